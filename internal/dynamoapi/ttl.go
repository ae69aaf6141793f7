package dynamoapi

// UpdateTimeToLive, DescribeTimeToLive.
//
// Behavior: enables or disables time to live on one attribute. Items
// whose attribute is a number of epoch seconds in the past are deleted in
// the background within the server's TTL interval (5 s by default;
// DynamoDB takes up to a few days). Enabling TTL when it is already
// enabled, or disabling it when it is not, is a ValidationException, as
// in DynamoDB. DescribeTimeToLive reports ENABLED or DISABLED.
//
// Deviations: no ENABLING / DISABLING transition, no one-hour wait
// between changes.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/tables"
)

type ttlSpecification struct {
	Enabled       *bool   `json:"Enabled"`
	AttributeName *string `json:"AttributeName"`
}

func (a *API) updateTimeToLive(ctx context.Context, body []byte) (any, error) {
	var in struct {
		TableName               *string           `json:"TableName"`
		TimeToLiveSpecification *ttlSpecification `json:"TimeToLiveSpecification"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkTableName(&c, in.TableName, "tableName")
	spec := in.TimeToLiveSpecification
	if spec == nil {
		c.add(nil, "timeToLiveSpecification", "Member must not be null")
	} else {
		if spec.AttributeName == nil {
			c.add(nil, "timeToLiveSpecification.attributeName", "Member must not be null")
		} else if len(*spec.AttributeName) < 1 {
			c.add(spec.AttributeName, "timeToLiveSpecification.attributeName", "Member must have length greater than or equal to 1")
		}
		if spec.Enabled == nil {
			c.add(nil, "timeToLiveSpecification.enabled", "Member must not be null")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	name := tableNameOf(*in.TableName)
	_, err := a.st.Update(ctx, name, func(t *tables.Table) error {
		switch {
		case *spec.Enabled && t.TTL.Enabled:
			return validation("TimeToLive is already enabled")
		case !*spec.Enabled && !t.TTL.Enabled:
			return validation("TimeToLive is already disabled")
		case !*spec.Enabled && t.TTL.Attribute != *spec.AttributeName:
			return validation("TimeToLive is active on a different AttributeName: current AttributeName is %s", t.TTL.Attribute)
		}
		t.TTL = tables.TTLSpec{Enabled: *spec.Enabled, Attribute: *spec.AttributeName}
		return nil
	})
	if err != nil {
		return nil, a.fail(err, name)
	}
	return struct {
		TimeToLiveSpecification ttlSpecification `json:"TimeToLiveSpecification"`
	}{*spec}, nil
}

func (a *API) describeTimeToLive(ctx context.Context, body []byte) (any, error) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkTableName(&c, in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	name := tableNameOf(*in.TableName)
	t, err := a.st.Table(name)
	if err != nil {
		return nil, a.fail(err, name)
	}
	type desc struct {
		TimeToLiveStatus string `json:"TimeToLiveStatus"`
		AttributeName    string `json:"AttributeName,omitempty"`
	}
	d := desc{TimeToLiveStatus: "DISABLED"}
	if t.TTL.Enabled {
		d = desc{TimeToLiveStatus: "ENABLED", AttributeName: t.TTL.Attribute}
	}
	return struct {
		TimeToLiveDescription desc `json:"TimeToLiveDescription"`
	}{d}, nil
}
