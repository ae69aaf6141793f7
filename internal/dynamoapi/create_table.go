package dynamoapi

// CreateTable.
//
// Behavior: creates a table with a HASH key and an optional RANGE key
// (S, N or B), BillingMode PROVISIONED (with ProvisionedThroughput) or
// PAY_PER_REQUEST, up to 20 GlobalSecondaryIndexes and 5
// LocalSecondaryIndexes with KEYS_ONLY, INCLUDE or ALL projections, and
// Tags, and a StreamSpecification (stream_specification.go). The table is CREATING for the server's transition
// delay (none by default, like DynamoDB Local), then ACTIVE. Checks run
// in dynalite's order, which follows DynamoDB's, with its messages.
//
// Deviations: throughput is recorded, never enforced; TableClass, SSE,
// deletion protection, warm throughput and resource policies are accepted
// and ignored; there is no per-account table quota.

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type throughputInput struct {
	ReadCapacityUnits  *int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits *int64 `json:"WriteCapacityUnits"`
}

type indexInput struct {
	IndexName             *string            `json:"IndexName"`
	KeySchema             []keySchemaElement `json:"KeySchema"`
	Projection            *projection        `json:"Projection"`
	ProvisionedThroughput *throughputInput   `json:"ProvisionedThroughput"`
}

type createTableInput struct {
	TableName              *string               `json:"TableName"`
	AttributeDefinitions   []attributeDefinition `json:"AttributeDefinitions"`
	KeySchema              []keySchemaElement    `json:"KeySchema"`
	BillingMode            *string               `json:"BillingMode"`
	ProvisionedThroughput  *throughputInput      `json:"ProvisionedThroughput"`
	LocalSecondaryIndexes  []indexInput          `json:"LocalSecondaryIndexes"`
	GlobalSecondaryIndexes []indexInput          `json:"GlobalSecondaryIndexes"`
	StreamSpecification    json.RawMessage       `json:"StreamSpecification"`
	Tags                   []tables.Tag          `json:"Tags"`
}

func checkKeySchemaShape(c *constraints, ks []keySchemaElement, path string) {
	if ks == nil {
		c.add(nil, path, "Member must not be null")
		return
	}
	if len(ks) < 1 {
		c.add("[]", path, "Member must have length greater than or equal to 1")
	}
	if len(ks) > 2 {
		c.add("[...]", path, "Member must have length less than or equal to 2")
	}
	for i, k := range ks {
		p := path + ".member." + itoa(i+1)
		if k.AttributeName == nil {
			c.add(nil, p+".attributeName", "Member must not be null")
		}
		if k.KeyType == nil {
			c.add(nil, p+".keyType", "Member must not be null")
		} else {
			checkEnum(c, k.KeyType, p+".keyType", "HASH", "RANGE")
		}
	}
}

func checkThroughputShape(c *constraints, tp *throughputInput, path string) {
	if tp == nil {
		return
	}
	for _, f := range []struct {
		v    *int64
		name string
	}{{tp.WriteCapacityUnits, "writeCapacityUnits"}, {tp.ReadCapacityUnits, "readCapacityUnits"}} {
		if f.v == nil {
			c.add(nil, path+"."+f.name, "Member must not be null")
		} else if *f.v < 1 {
			c.add(f.v, path+"."+f.name, "Member must have value greater than or equal to 1")
		}
	}
}

func (a *API) createTable(ctx context.Context, body []byte) (any, error) {
	var in createTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	if in.AttributeDefinitions == nil {
		c.add(nil, "attributeDefinitions", "Member must not be null")
	}
	for i, d := range in.AttributeDefinitions {
		p := "attributeDefinitions.member." + itoa(i+1)
		if d.AttributeName == nil {
			c.add(nil, p+".attributeName", "Member must not be null")
		}
		if d.AttributeType == nil {
			c.add(nil, p+".attributeType", "Member must not be null")
		}
		checkEnum(&c, d.AttributeType, p+".attributeType", "B", "N", "S")
	}
	checkNewTableName(&c, in.TableName, "tableName")
	checkEnum(&c, in.BillingMode, "billingMode", "PROVISIONED", "PAY_PER_REQUEST")
	checkThroughputShape(&c, in.ProvisionedThroughput, "provisionedThroughput")
	checkKeySchemaShape(&c, in.KeySchema, "keySchema")
	for _, set := range []struct {
		ixs  []indexInput
		path string
	}{{in.LocalSecondaryIndexes, "localSecondaryIndexes"}, {in.GlobalSecondaryIndexes, "globalSecondaryIndexes"}} {
		for i, ix := range set.ixs {
			p := set.path + ".member." + itoa(i+1)
			if ix.IndexName == nil {
				c.add(nil, p+".indexName", "Member must not be null")
			} else {
				if !namePattern.MatchString(*ix.IndexName) {
					c.add(ix.IndexName, p+".indexName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
				}
				if len(*ix.IndexName) < 3 {
					c.add(ix.IndexName, p+".indexName", "Member must have length greater than or equal to 3")
				}
			}
			checkKeySchemaShape(&c, ix.KeySchema, p+".keySchema")
			if ix.Projection == nil {
				c.add(nil, p+".projection", "Member must not be null")
			} else {
				checkEnum(&c, ix.Projection.ProjectionType, p+".projection.projectionType", "ALL", "INCLUDE", "KEYS_ONLY")
			}
			checkThroughputShape(&c, ix.ProvisionedThroughput, p+".provisionedThroughput")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	t, err := a.buildTable(&in)
	if err != nil {
		return nil, err
	}
	sp, err := parseStreamSpec(in.StreamSpecification)
	if err != nil {
		return nil, err
	}
	if _, err := a.st.Table(t.Name); err == nil {
		return nil, a.fail(tables.ErrTableExists, t.Name)
	}
	undo, err := a.createStream(ctx, t, sp)
	if err != nil {
		return nil, a.fail(err, t.Name)
	}
	stored, err := a.st.Create(ctx, t)
	if err != nil {
		undo()
		return nil, a.fail(err, t.Name)
	}
	return struct {
		TableDescription tableDescription `json:"TableDescription"`
	}{a.describe(stored, 0, 0, stored.Status(a.now().UnixMilli()))}, nil
}

func invalidParam(format string, args ...any) error {
	return validation("One or more parameter values were invalid: "+format, args...)
}

// buildTable checks the request's semantics, in dynalite's order, and
// returns the table to create.
func (a *API) buildTable(in *createTableInput) (*tables.Table, error) {
	ppr := in.BillingMode != nil && *in.BillingMode == "PAY_PER_REQUEST"
	tp := in.ProvisionedThroughput
	if ppr {
		if tp != nil {
			return nil, invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
	} else {
		if tp == nil {
			return nil, invalidParam("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		}
		if *tp.ReadCapacityUnits > 1_000_000_000_000 {
			return nil, validation("Given value %d for ReadCapacityUnits is out of bounds", *tp.ReadCapacityUnits)
		}
		if *tp.WriteCapacityUnits > 1_000_000_000_000 {
			return nil, validation("Given value %d for WriteCapacityUnits is out of bounds", *tp.WriteCapacityUnits)
		}
	}
	var defNames []string
	defs := map[string]attr.Type{}
	for _, d := range in.AttributeDefinitions {
		defNames = append(defNames, *d.AttributeName)
		defs[*d.AttributeName] = attr.ParseType(*d.AttributeType)
	}
	if len(defs) != len(in.AttributeDefinitions) {
		return nil, invalidParam("Duplicate AttributeName in AttributeDefinitions")
	}
	key, err := keySchema(in.KeySchema, defs, defNames)
	if err != nil {
		return nil, err
	}
	if len(in.LocalSecondaryIndexes) == 0 && len(in.GlobalSecondaryIndexes) == 0 && len(in.KeySchema) != len(in.AttributeDefinitions) {
		return nil, invalidParam("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	t := &tables.Table{Name: *in.TableName, Key: key, Billing: "PROVISIONED", Tags: in.Tags}
	if ppr {
		t.Billing = "PAY_PER_REQUEST"
	} else {
		t.Through = tables.Throughput{Read: *tp.ReadCapacityUnits, Write: *tp.WriteCapacityUnits}
	}
	for _, n := range defNames {
		t.AttrDefs = append(t.AttrDefs, tables.KeyAttr{Name: n, Type: defs[n]})
	}
	names := map[string]bool{}
	if in.LocalSecondaryIndexes != nil {
		if len(in.LocalSecondaryIndexes) == 0 {
			return nil, invalidParam("List of LocalSecondaryIndexes is empty")
		}
		if !key.HasRange() {
			return nil, invalidParam("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
		}
		for _, li := range in.LocalSecondaryIndexes {
			ix, err := buildIndex(li, defs, defNames, true)
			if err != nil {
				return nil, err
			}
			if !ix.Key.HasRange() {
				return nil, invalidParam("Index KeySchema does not have a range key for index: %s", ix.Name)
			}
			if ix.Key.Hash.Name != key.Hash.Name {
				return nil, invalidParam("Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s", ix.Name, ix.Key.Hash.Name, key.Hash.Name)
			}
			if names[ix.Name] {
				return nil, invalidParam("Duplicate index name: %s", ix.Name)
			}
			names[ix.Name] = true
			t.Indexes = append(t.Indexes, ix)
		}
		if len(in.LocalSecondaryIndexes) > 5 {
			return nil, invalidParam("Number of LocalSecondaryIndexes exceeds per-table limit of 5")
		}
	}
	if in.GlobalSecondaryIndexes != nil {
		if len(in.GlobalSecondaryIndexes) == 0 {
			return nil, invalidParam("List of GlobalSecondaryIndexes is empty")
		}
		for _, gi := range in.GlobalSecondaryIndexes {
			ix, err := buildIndex(gi, defs, defNames, false)
			if err != nil {
				return nil, err
			}
			if ppr && gi.ProvisionedThroughput != nil {
				return nil, invalidParam("ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST", ix.Name)
			}
			if !ppr && gi.ProvisionedThroughput == nil {
				return nil, invalidParam("ProvisionedThroughput must be specified for index: %s", ix.Name)
			}
			if names[ix.Name] {
				return nil, invalidParam("Duplicate index name: %s", ix.Name)
			}
			names[ix.Name] = true
			t.Indexes = append(t.Indexes, ix)
		}
		if len(in.GlobalSecondaryIndexes) > 20 {
			return nil, invalidParam("GlobalSecondaryIndex count exceeds the per-table limit of 20")
		}
	}
	used := map[string]bool{}
	var usedNames []string
	for _, k := range []tables.KeySchema{key} {
		for _, n := range []string{k.Hash.Name, k.Range.Name} {
			if n != "" && !used[n] {
				used[n] = true
				usedNames = append(usedNames, n)
			}
		}
	}
	for _, ix := range t.Indexes {
		for _, n := range []string{ix.Key.Hash.Name, ix.Key.Range.Name} {
			if n != "" && !used[n] {
				used[n] = true
				usedNames = append(usedNames, n)
			}
		}
	}
	for _, n := range defNames {
		if !used[n] {
			return nil, invalidParam("Some AttributeDefinitions are not used. AttributeDefinitions: [%s], keys used: [%s]", strings.Join(defNames, ", "), strings.Join(usedNames, ", "))
		}
	}
	return t, nil
}

func keySchema(ks []keySchemaElement, defs map[string]attr.Type, defNames []string) (tables.KeySchema, error) {
	var names []string
	for _, k := range ks {
		names = append(names, *k.AttributeName)
	}
	if len(names) > len(defNames) {
		return tables.KeySchema{}, validation("Invalid KeySchema: Some index key attribute have no definition")
	}
	for _, n := range names {
		if _, ok := defs[n]; !ok {
			return tables.KeySchema{}, invalidParam("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]", strings.Join(names, ", "), strings.Join(defNames, ", "))
		}
	}
	if len(names) == 2 && names[0] == names[1] {
		return tables.KeySchema{}, validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	}
	if *ks[0].KeyType != "HASH" {
		return tables.KeySchema{}, validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if len(ks) == 2 && *ks[1].KeyType != "RANGE" {
		return tables.KeySchema{}, validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	}
	out := tables.KeySchema{Hash: tables.KeyAttr{Name: names[0], Type: defs[names[0]]}}
	if len(names) == 2 {
		out.Range = tables.KeyAttr{Name: names[1], Type: defs[names[1]]}
	}
	return out, nil
}

func buildIndex(in indexInput, defs map[string]attr.Type, defNames []string, local bool) (tables.Index, error) {
	key, err := keySchema(in.KeySchema, defs, defNames)
	if err != nil {
		return tables.Index{}, err
	}
	if in.Projection.ProjectionType == nil {
		return tables.Index{}, invalidParam("Unknown ProjectionType: null")
	}
	pt := *in.Projection.ProjectionType
	if in.Projection.NonKeyAttributes != nil && pt != tables.ProjectInclude {
		return tables.Index{}, invalidParam("ProjectionType is %s, but NonKeyAttributes is specified", pt)
	}
	ix := tables.Index{Name: *in.IndexName, Local: local, Key: key, Projection: tables.Projection{Type: pt, NonKey: in.Projection.NonKeyAttributes}}
	if tp := in.ProvisionedThroughput; tp != nil {
		ix.Throughput = tables.Throughput{Read: *tp.ReadCapacityUnits, Write: *tp.WriteCapacityUnits}
	}
	return ix, nil
}
