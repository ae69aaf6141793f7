package dynamoapi

// UpdateTable.
//
// Behavior: changes ProvisionedThroughput, BillingMode (PROVISIONED or
// PAY_PER_REQUEST), a GSI's throughput, and creates or deletes global
// secondary indexes (GlobalSecondaryIndexUpdates with Create, Update,
// Delete; new key attributes in AttributeDefinitions). A new GSI is
// backfilled from the table's items in the background: CREATING with
// Backfilling true until done, maintained by every write meanwhile.
// StreamSpecification enables or disables the table's DynamoDB stream
// (stream_specification.go).
//
// Deviations: the table is not UPDATING while an index builds (the index
// is); one index change per call is not enforced; there are no throughput
// decrease limits.

import (
	"context"
	"encoding/json"

	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type updateTableInput struct {
	TableName                   *string               `json:"TableName"`
	AttributeDefinitions        []attributeDefinition `json:"AttributeDefinitions"`
	BillingMode                 *string               `json:"BillingMode"`
	ProvisionedThroughput       *throughputInput      `json:"ProvisionedThroughput"`
	StreamSpecification         json.RawMessage       `json:"StreamSpecification"`
	GlobalSecondaryIndexUpdates []struct {
		Create *indexInput `json:"Create"`
		Update *struct {
			IndexName             *string          `json:"IndexName"`
			ProvisionedThroughput *throughputInput `json:"ProvisionedThroughput"`
		} `json:"Update"`
		Delete *struct {
			IndexName *string `json:"IndexName"`
		} `json:"Delete"`
	} `json:"GlobalSecondaryIndexUpdates"`
}

func (a *API) updateTable(ctx context.Context, body []byte) (any, error) {
	var in updateTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkTableName(&c, in.TableName, "tableName")
	checkThroughputShape(&c, in.ProvisionedThroughput, "provisionedThroughput")
	if err := c.err(); err != nil {
		return nil, err
	}
	if in.ProvisionedThroughput == nil && in.BillingMode == nil && in.GlobalSecondaryIndexUpdates == nil && in.StreamSpecification == nil {
		return nil, validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	name := tableNameOf(*in.TableName)
	nowMs := a.now().UnixMilli()
	sp, err := parseStreamSpec(in.StreamSpecification)
	if err != nil {
		return nil, err
	}
	prepared, err := a.prepareStreamUpdate(ctx, name, sp)
	if err != nil {
		if isNotFound(err) {
			return nil, awsErrNotFound("Requested resource not found: Table: " + name + " not found")
		}
		return nil, a.fail(err, name)
	}
	t, err := a.st.Update(ctx, name, func(t *tables.Table) error {
		if in.BillingMode != nil {
			t.Billing = *in.BillingMode
			if t.Billing == "PAY_PER_REQUEST" {
				t.Through = tables.Throughput{}
			}
		}
		if tp := in.ProvisionedThroughput; tp != nil {
			if t.Billing == "PAY_PER_REQUEST" {
				return invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
			}
			if *tp.ReadCapacityUnits == t.Through.Read && *tp.WriteCapacityUnits == t.Through.Write && in.GlobalSecondaryIndexUpdates == nil {
				return invalidParam("The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: %d. Requested ReadCapacityUnits: %d. Current WriteCapacityUnits provisioned for the table: %d. Requested WriteCapacityUnits: %d. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.", t.Through.Read, *tp.ReadCapacityUnits, t.Through.Write, *tp.WriteCapacityUnits)
			}
			if *tp.ReadCapacityUnits > t.Through.Read || *tp.WriteCapacityUnits > t.Through.Write {
				t.Through.LastIncreaseMs = nowMs
			}
			if *tp.ReadCapacityUnits < t.Through.Read || *tp.WriteCapacityUnits < t.Through.Write {
				t.Through.LastDecreaseMs = nowMs
				t.Through.Decreases++
			}
			t.Through.Read, t.Through.Write = *tp.ReadCapacityUnits, *tp.WriteCapacityUnits
		} else if in.BillingMode != nil && *in.BillingMode == "PROVISIONED" && t.Through.Read == 0 {
			return invalidParam("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		}
		if err := a.updateStream(t, sp, prepared, nowMs); err != nil {
			return err
		}
		defs := map[string]attr.Type{}
		var defNames []string
		for _, d := range t.AttrDefs {
			defs[d.Name] = d.Type
			defNames = append(defNames, d.Name)
		}
		for _, d := range in.AttributeDefinitions {
			if d.AttributeName == nil || d.AttributeType == nil {
				continue
			}
			if _, ok := defs[*d.AttributeName]; !ok {
				defs[*d.AttributeName] = attr.ParseType(*d.AttributeType)
				defNames = append(defNames, *d.AttributeName)
				t.AttrDefs = append(t.AttrDefs, tables.KeyAttr{Name: *d.AttributeName, Type: attr.ParseType(*d.AttributeType)})
			}
		}
		for _, u := range in.GlobalSecondaryIndexUpdates {
			switch {
			case u.Create != nil:
				if u.Create.IndexName == nil || u.Create.Projection == nil || u.Create.KeySchema == nil {
					return validation("One or more parameter values were invalid: IndexName, KeySchema and Projection are required to create an index")
				}
				if t.Index(*u.Create.IndexName) != nil {
					return validation("Attempting to create an index which already exists")
				}
				ix, err := buildIndex(*u.Create, defs, defNames, false)
				if err != nil {
					return err
				}
				t.Indexes = append(t.Indexes, ix)
			case u.Update != nil:
				ix := t.Index(deref(u.Update.IndexName))
				if ix == nil {
					return awsErrNotFound("Requested resource not found: Index: " + deref(u.Update.IndexName) + " not found for table: " + t.Name)
				}
				if tp := u.Update.ProvisionedThroughput; tp != nil && tp.ReadCapacityUnits != nil && tp.WriteCapacityUnits != nil {
					ix.Throughput.Read, ix.Throughput.Write = *tp.ReadCapacityUnits, *tp.WriteCapacityUnits
				}
			case u.Delete != nil:
				n := deref(u.Delete.IndexName)
				ix := t.Index(n)
				if ix == nil || ix.Local {
					return awsErrNotFound("Requested resource not found: Index: " + n + " not found for table: " + t.Name)
				}
				kept := t.Indexes[:0]
				for _, x := range t.Indexes {
					if x.Name != n {
						kept = append(kept, x)
					}
				}
				t.Indexes = kept
			}
		}
		return nil
	})
	if err != nil && prepared != nil {
		if derr := a.streams.Drop(context.WithoutCancel(ctx), *prepared); derr != nil {
			a.log.Warn("drop stream of a refused update", "table", name, "err", derr)
		}
	}
	if err != nil {
		if isNotFound(err) {
			return nil, awsErrNotFound("Requested resource not found: Table: " + name + " not found")
		}
		return nil, a.fail(err, name)
	}
	_, items, size, _ := a.st.Describe(name)
	return struct {
		TableDescription tableDescription `json:"TableDescription"`
	}{a.describe(t, items, size, t.Status(nowMs))}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
