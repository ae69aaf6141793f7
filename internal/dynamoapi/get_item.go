package dynamoapi

// GetItem.
//
// Behavior: reads one item by its full primary key, always strongly
// consistent (ConsistentRead is accepted either way), with
// ProjectionExpression (or legacy AttributesToGet) and
// ExpressionAttributeNames, and ReturnConsumedCapacity. A missing item
// returns {} (no Item member), as DynamoDB does.
//
// Deviations: none known.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type getItemInput struct {
	TableName                *string           `json:"TableName"`
	Key                      attr.Item         `json:"Key"`
	ProjectionExpression     *string           `json:"ProjectionExpression"`
	AttributesToGet          []string          `json:"AttributesToGet"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
	ConsistentRead           *bool             `json:"ConsistentRead"`
	ReturnConsumedCapacity   *string           `json:"ReturnConsumedCapacity"`
}

func (a *API) getItem(ctx context.Context, body []byte) (any, error) {
	var in getItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkTableName(&c, in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := expr.CheckParams([]expr.Param{{Name: "ProjectionExpression", Present: present(in.ProjectionExpression)}},
		[]expr.Param{{Name: "AttributesToGet", Present: in.AttributesToGet != nil}},
		in.ExpressionAttributeNames != nil, false); err != nil {
		return nil, exprErr(err)
	}
	p := &expr.Params{Names: in.ExpressionAttributeNames}
	if err := p.CheckKeys(in.ExpressionAttributeNames != nil, false); err != nil {
		return nil, exprErr(err)
	}
	proj, err := projectionOf(in.ProjectionExpression, in.AttributesToGet, p)
	if err != nil {
		return nil, err
	}
	if err := p.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	name := tableNameOf(*in.TableName)
	t, err := a.st.Table(name)
	if err != nil {
		return nil, a.fail(err, name)
	}
	if err := checkKey(t, in.Key); err != nil {
		return nil, err
	}
	items, err := a.st.Get(ctx, []tables.GetRef{{Table: name, Key: in.Key}})
	if err != nil {
		return nil, a.fail(err, name)
	}
	item := items[0]
	out := struct {
		Item             attr.Item `json:"Item,omitempty"`
		ConsumedCapacity *consumed `json:"ConsumedCapacity,omitempty"`
	}{ConsumedCapacity: capacity(in.ReturnConsumedCapacity, name, func() int { return itemSize(item) }, false, in.ConsistentRead != nil && *in.ConsistentRead)}
	if item != nil {
		if proj != nil {
			item = proj.Apply(item)
		}
		out.Item = item
	}
	return out, nil
}
