package dynamoapi

// DeleteItem.
//
// Behavior: deletes one item by its full primary key, durably before
// answering, with ConditionExpression (or legacy Expected) checked
// atomically against the current item, ReturnValues NONE or ALL_OLD,
// ReturnValuesOnConditionCheckFailure and ReturnConsumedCapacity.
// Deleting a missing item succeeds and changes nothing.
//
// Deviations: ReturnItemCollectionMetrics returns nothing.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type deleteItemInput struct {
	TableName *string   `json:"TableName"`
	Key       attr.Item `json:"Key"`
	exprFields
	ReturnValues                        *string `json:"ReturnValues"`
	ReturnValuesOnConditionCheckFailure *string `json:"ReturnValuesOnConditionCheckFailure"`
	ReturnConsumedCapacity              *string `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         *string `json:"ReturnItemCollectionMetrics"`
}

func (a *API) deleteItem(ctx context.Context, body []byte) (any, error) {
	var in deleteItemInput
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
	if err := checkKey(t, in.Key); err != nil {
		return nil, err
	}
	outs, err := a.st.Write(ctx, []tables.Op{{Table: name, Key: in.Key, Decide: func(old attr.Item) (tables.Action, attr.Item, error) {
		if err := evalCond(cond, old); err != nil {
			return 0, nil, err
		}
		return tables.Delete, nil, nil
	}}})
	if err != nil {
		return nil, a.singleWriteErr(err, name, wantOld(in.ReturnValuesOnConditionCheckFailure))
	}
	out := writeOutput{ConsumedCapacity: capacity(in.ReturnConsumedCapacity, name, func() int { return itemSize(outs[0].Old) }, true, true)}
	if wantOld(in.ReturnValues) {
		out.Attributes = outs[0].Old
	}
	return out, nil
}
