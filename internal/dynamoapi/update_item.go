package dynamoapi

// UpdateItem.
//
// Behavior: UpdateExpression (SET with arithmetic, if_not_exists and
// list_append; REMOVE; ADD; DELETE; nested map and list paths) or legacy
// AttributeUpdates, creating the item when it does not exist (an
// upsert), with ConditionExpression (or Expected) checked atomically
// against the current item, ReturnValues NONE, ALL_OLD, UPDATED_OLD,
// ALL_NEW or UPDATED_NEW, ReturnValuesOnConditionCheckFailure and
// ReturnConsumedCapacity. Updating a key attribute, a result over 400 KB
// and index keys of the wrong type are refused with DynamoDB's texts.
//
// Deviations: ReturnItemCollectionMetrics returns nothing.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type updateItemInput struct {
	TableName *string   `json:"TableName"`
	Key       attr.Item `json:"Key"`
	exprFields
	UpdateExpression                    *string                         `json:"UpdateExpression"`
	AttributeUpdates                    map[string]expr.AttributeUpdate `json:"AttributeUpdates"`
	ReturnValues                        *string                         `json:"ReturnValues"`
	ReturnValuesOnConditionCheckFailure *string                         `json:"ReturnValuesOnConditionCheckFailure"`
	ReturnConsumedCapacity              *string                         `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         *string                         `json:"ReturnItemCollectionMetrics"`
}

func (a *API) updateItem(ctx context.Context, body []byte) (any, error) {
	var in updateItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkTableName(&c, in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := expr.CheckParams(
		[]expr.Param{{Name: "UpdateExpression", Present: present(in.UpdateExpression)}, {Name: "ConditionExpression", Present: present(in.ConditionExpression)}},
		[]expr.Param{{Name: "AttributeUpdates", Present: in.AttributeUpdates != nil}, {Name: "Expected", Present: in.Expected != nil}},
		in.ExpressionAttributeNames != nil, in.ExpressionAttributeValues != nil); err != nil {
		return nil, exprErr(err)
	}
	p, err := in.params()
	if err != nil {
		return nil, err
	}
	upd, err := parseUpdate(in.UpdateExpression, in.AttributeUpdates, p)
	if err != nil {
		return nil, err
	}
	cond, err := in.condition(p)
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
	if err := checkUpdateKeys(t, upd); err != nil {
		return nil, err
	}
	var paths []expr.Path
	outs, err := a.st.Write(ctx, []tables.Op{{Table: name, Key: in.Key, Decide: func(old attr.Item) (tables.Action, attr.Item, error) {
		if err := evalCond(cond, old); err != nil {
			return 0, nil, err
		}
		var newItem attr.Item
		newItem, paths, err = applyUpdate(t, upd, in.Key, old)
		if err != nil {
			return 0, nil, err
		}
		return tables.Put, newItem, nil
	}}})
	if err != nil {
		return nil, a.singleWriteErr(err, name, wantOld(in.ReturnValuesOnConditionCheckFailure))
	}
	o := outs[0]
	out := writeOutput{ConsumedCapacity: capacity(in.ReturnConsumedCapacity, name, func() int { return max(itemSize(o.Old), itemSize(o.New)) }, true, true)}
	if in.ReturnValues != nil {
		switch *in.ReturnValues {
		case "ALL_OLD":
			out.Attributes = o.Old
		case "ALL_NEW":
			out.Attributes = o.New
		case "UPDATED_OLD":
			if o.Old != nil {
				out.Attributes = nonEmpty(expr.Project(o.Old, paths))
			}
		case "UPDATED_NEW":
			out.Attributes = nonEmpty(expr.Project(o.New, paths))
		}
	}
	return out, nil
}

func nonEmpty(it attr.Item) attr.Item {
	if len(it) == 0 {
		return nil
	}
	return it
}

// parseUpdate parses UpdateExpression or converts AttributeUpdates (nil
// when neither: the update only makes sure the item exists).
func parseUpdate(ue *string, au map[string]expr.AttributeUpdate, p *expr.Params) (*expr.Update, error) {
	if ue != nil {
		u, err := expr.ParseUpdate(*ue, p)
		return u, exprErr(err)
	}
	if au != nil {
		u, err := expr.ConvertAttributeUpdates(au)
		return u, exprErr(err)
	}
	return nil, nil
}

// checkUpdateKeys refuses an update of a key attribute.
func checkUpdateKeys(t *tables.Table, u *expr.Update) error {
	if u == nil {
		return nil
	}
	for _, path := range u.Paths() {
		top := path.Top()
		if top == t.Key.Hash.Name || (t.Key.HasRange() && top == t.Key.Range.Name) {
			return validation("One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key", top)
		}
	}
	return nil
}

// applyUpdate runs u on old (nil: a new item with key) and checks the
// result as DynamoDB checks an updated item.
func applyUpdate(t *tables.Table, u *expr.Update, key, old attr.Item) (attr.Item, []expr.Path, error) {
	base := old
	if base == nil {
		base = key.Clone()
	}
	if u == nil {
		return base, nil, nil
	}
	newItem, paths, err := u.Apply(base)
	if err != nil {
		return nil, nil, exprErr(err)
	}
	for n, v := range key {
		newItem[n] = v
	}
	for _, ix := range t.Indexes {
		for _, k := range []tables.KeyAttr{ix.Key.Hash, ix.Key.Range} {
			if v, ok := newItem[k.Name]; ok && k.Name != "" {
				if v.T != k.Type {
					return nil, nil, invalidParam("Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", k.Name, k.Type, v.T, ix.Name)
				}
				if isEmptyKey(v) {
					return nil, nil, validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: %s, IndexKey: %s", ix.Name, k.Name)
				}
			}
		}
	}
	if attr.ItemSize(newItem) > maxItemSize {
		return nil, nil, validation("Item size to update has exceeded the maximum allowed size")
	}
	if err := checkDepth(newItem); err != nil {
		return nil, nil, err
	}
	return newItem, paths, nil
}
