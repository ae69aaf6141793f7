package dynamoapi

// PutItem.
//
// Behavior: stores the item (replacing any with its key) durably before
// answering, with ConditionExpression (or legacy Expected) checked
// atomically against the current item, ExpressionAttributeNames and
// ExpressionAttributeValues, ReturnValues NONE or ALL_OLD,
// ReturnValuesOnConditionCheckFailure ALL_OLD, ReturnConsumedCapacity
// (one write unit per KB of the larger of old and new item). Checks the
// key attributes' presence, types and sizes, index key types, and the
// 400 KB item limit, with DynamoDB's texts.
//
// Deviations: ReturnItemCollectionMetrics is accepted and nothing is
// returned for it; capacity is computed, never throttled.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type putItemInput struct {
	TableName *string   `json:"TableName"`
	Item      attr.Item `json:"Item"`
	exprFields
	ReturnValues                        *string `json:"ReturnValues"`
	ReturnValuesOnConditionCheckFailure *string `json:"ReturnValuesOnConditionCheckFailure"`
	ReturnConsumedCapacity              *string `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         *string `json:"ReturnItemCollectionMetrics"`
}

type writeOutput struct {
	Attributes       attr.Item `json:"Attributes,omitempty"`
	ConsumedCapacity *consumed `json:"ConsumedCapacity,omitempty"`
}

func (a *API) putItem(ctx context.Context, body []byte) (any, error) {
	var in putItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, cond, err := in.singleWrite(in.TableName, in.ReturnValues)
	if err != nil {
		return nil, err
	}
	t, err := a.st.Table(name)
	if err != nil {
		return nil, a.fail(err, name)
	}
	key, err := checkItem(t, in.Item)
	if err != nil {
		return nil, err
	}
	outs, err := a.st.Write(ctx, []tables.Op{{Table: name, Key: key, Decide: func(old attr.Item) (tables.Action, attr.Item, error) {
		if err := evalCond(cond, old); err != nil {
			return 0, nil, err
		}
		return tables.Put, in.Item, nil
	}}})
	if err != nil {
		return nil, a.singleWriteErr(err, name, wantOld(in.ReturnValuesOnConditionCheckFailure))
	}
	out := writeOutput{ConsumedCapacity: capacity(in.ReturnConsumedCapacity, name, func() int { return max(attr.ItemSize(in.Item), itemSize(outs[0].Old)) }, true, true)}
	if wantOld(in.ReturnValues) {
		out.Attributes = outs[0].Old
	}
	return out, nil
}

func itemSize(it attr.Item) int {
	if it == nil {
		return 0
	}
	return attr.ItemSize(it)
}
