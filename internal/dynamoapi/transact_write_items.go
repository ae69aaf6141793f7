package dynamoapi

// TransactWriteItems.
//
// Behavior: up to 100 Put, Update, Delete and ConditionCheck actions over
// any tables, all or nothing: every item's key is locked, every condition
// is checked against the current items, and the writes commit in one
// durable batch. When a condition fails, TransactionCanceledException
// carries CancellationReasons, one per action in order (None,
// ConditionalCheckFailed with the item when that action asked for
// ReturnValuesOnConditionCheckFailure ALL_OLD, ValidationError). Two
// actions on one item are refused, as in DynamoDB. ClientRequestToken
// makes the call idempotent for 10 minutes: a repeat returns the first
// result without writing again; the same token with different parameters
// is IdempotentParameterMismatchException.
//
// Deviations: tokens are remembered in memory (lost at restart); there
// are no transaction conflicts (TransactionConflict) since keys are
// locked, not validated optimistically.

import (
	"context"
	"fmt"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type transactBase struct {
	TableName                           *string               `json:"TableName"`
	ConditionExpression                 *string               `json:"ConditionExpression"`
	ExpressionAttributeNames            map[string]string     `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues           map[string]attr.Value `json:"ExpressionAttributeValues"`
	ReturnValuesOnConditionCheckFailure *string               `json:"ReturnValuesOnConditionCheckFailure"`
	Key                                 attr.Item             `json:"Key"`
	Item                                attr.Item             `json:"Item"`
	UpdateExpression                    *string               `json:"UpdateExpression"`
}

type transactItem struct {
	Put            *transactBase `json:"Put"`
	Update         *transactBase `json:"Update"`
	Delete         *transactBase `json:"Delete"`
	ConditionCheck *transactBase `json:"ConditionCheck"`
}

type transactWriteItemsInput struct {
	TransactItems               []transactItem `json:"TransactItems"`
	ClientRequestToken          *string        `json:"ClientRequestToken"`
	ReturnConsumedCapacity      *string        `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics *string        `json:"ReturnItemCollectionMetrics"`
}

func (a *API) transactWriteItems(ctx context.Context, body []byte) (any, error) {
	var in transactWriteItemsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	if in.TransactItems == nil {
		c.add(nil, "transactItems", "Member must not be null")
	} else {
		if len(in.TransactItems) < 1 {
			c.add("[]", "transactItems", "Member must have length greater than or equal to 1")
		}
		if len(in.TransactItems) > maxTransact {
			c.add("[...]", "transactItems", "Member must have length less than or equal to 100")
		}
	}
	if in.ClientRequestToken != nil && (len(*in.ClientRequestToken) < 1 || len(*in.ClientRequestToken) > 36) {
		c.add(in.ClientRequestToken, "clientRequestToken", "Member must have length less than or equal to 36")
	}
	checkEnum(&c, in.ReturnConsumedCapacity, "returnConsumedCapacity", "INDEXES", "TOTAL", "NONE")
	checkEnum(&c, in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", "SIZE", "NONE")
	for i, ti := range in.TransactItems {
		n := 0
		for _, b := range []*transactBase{ti.Put, ti.Update, ti.Delete, ti.ConditionCheck} {
			if b != nil {
				n++
				checkTableName(&c, b.TableName, fmt.Sprintf("transactItems.%d.member.tableName", i+1))
				checkEnum(&c, b.ReturnValuesOnConditionCheckFailure, fmt.Sprintf("transactItems.%d.member.returnValuesOnConditionCheckFailure", i+1), "ALL_OLD", "NONE")
			}
		}
		if n != 1 {
			return nil, validation("TransactItems can only contain one of Check, Put, Update or Delete")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	nowMs := a.now().UnixMilli()
	if in.ClientRequestToken != nil {
		res, ok, err := a.tokens.get(*in.ClientRequestToken, canonicalRequest(&in), nowMs)
		if err != nil {
			return nil, err
		}
		if ok {
			return res, nil
		}
	}
	ops := make([]tables.Op, len(in.TransactItems))
	returnOld := make([]bool, len(in.TransactItems))
	seen := transactItems{}
	for i, ti := range in.TransactItems {
		op, err := a.transactOp(ti)
		if err != nil {
			return nil, err
		}
		if err := seen.add(op.Table, op.Key); err != nil {
			return nil, err
		}
		for _, b := range []*transactBase{ti.Put, ti.Update, ti.Delete, ti.ConditionCheck} {
			if b != nil {
				returnOld[i] = wantOld(b.ReturnValuesOnConditionCheckFailure)
			}
		}
		ops[i] = op
	}
	_, err := a.st.Write(ctx, ops)
	if err != nil {
		return nil, a.transactErr(err, returnOld)
	}
	out := struct {
		ConsumedCapacity []*consumed `json:"ConsumedCapacity,omitempty"`
	}{}
	if in.ClientRequestToken != nil {
		a.tokens.put(*in.ClientRequestToken, canonicalRequest(&in), out, nowMs)
	}
	return out, nil
}

// transactItems is the set of items a transaction touches: DynamoDB refuses
// two actions on one item.
type transactItems map[string]bool

// add records the item at key in table, or refuses it as a second action
// on an item.
func (t transactItems) add(table string, key attr.Item) error {
	k := table + "\x00" + string(key.AppendJSON(nil))
	if t[k] {
		return validation("Transaction request cannot include multiple operations on one item")
	}
	t[k] = true
	return nil
}

// canonicalRequest is the request's identity for token reuse.
func canonicalRequest(in *transactWriteItemsInput) string {
	b, _ := jsonMarshal(in.TransactItems)
	return string(b)
}

// transactOp checks one action and returns its write.
func (a *API) transactOp(ti transactItem) (tables.Op, error) {
	var b *transactBase
	kind := ""
	switch {
	case ti.Put != nil:
		b, kind = ti.Put, "Put"
	case ti.Update != nil:
		b, kind = ti.Update, "Update"
	case ti.Delete != nil:
		b, kind = ti.Delete, "Delete"
	default:
		b, kind = ti.ConditionCheck, "ConditionCheck"
	}
	if kind == "ConditionCheck" && b.ConditionExpression == nil {
		return tables.Op{}, validation("1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null")
	}
	p := &expr.Params{Names: b.ExpressionAttributeNames, Values: b.ExpressionAttributeValues}
	if err := p.CheckKeys(b.ExpressionAttributeNames != nil, b.ExpressionAttributeValues != nil); err != nil {
		return tables.Op{}, exprErr(err)
	}
	var upd *expr.Update
	if kind == "Update" {
		if b.UpdateExpression == nil {
			return tables.Op{}, validation("1 validation error detected: Value null at 'transactItems.1.member.update.updateExpression' failed to satisfy constraint: Member must not be null")
		}
		var err error
		if upd, err = expr.ParseUpdate(*b.UpdateExpression, p); err != nil {
			return tables.Op{}, exprErr(err)
		}
	}
	var cond *expr.Condition
	if b.ConditionExpression != nil {
		var err error
		if cond, err = expr.ParseCondition(*b.ConditionExpression, p); err != nil {
			return tables.Op{}, exprErr(err)
		}
	}
	if err := p.CheckUnused(); err != nil {
		return tables.Op{}, exprErr(err)
	}
	name := tableNameOf(*b.TableName)
	t, err := a.st.Table(name)
	if err != nil {
		return tables.Op{}, a.fail(err, name)
	}
	op := tables.Op{Table: name}
	if kind == "Put" {
		if op.Key, err = checkItem(t, b.Item); err != nil {
			return tables.Op{}, err
		}
	} else {
		if err := checkKey(t, b.Key); err != nil {
			return tables.Op{}, err
		}
		op.Key = b.Key
	}
	if err := checkUpdateKeys(t, upd); err != nil {
		return tables.Op{}, err
	}
	key, item := op.Key, b.Item
	op.Decide = func(old attr.Item) (tables.Action, attr.Item, error) {
		if err := evalCond(cond, old); err != nil {
			return 0, nil, err
		}
		switch kind {
		case "Put":
			return tables.Put, item, nil
		case "Delete":
			return tables.Delete, nil, nil
		case "Update":
			n, _, err := applyUpdate(t, upd, key, old)
			if err != nil {
				return 0, nil, err
			}
			return tables.Put, n, nil
		}
		return tables.Keep, nil, nil
	}
	return op, nil
}

// transactErr is TransactionCanceledException with a reason per action.
func (a *API) transactErr(err error, returnOld []bool) error {
	ce, ok := err.(*tables.CanceledError)
	if !ok {
		return a.fail(err, "")
	}
	reasons := make([]cancellationReason, len(ce.Errs))
	codes := make([]string, len(ce.Errs))
	for i, e := range ce.Errs {
		r := cancellationReason{Code: "None"}
		switch x := e.(type) {
		case nil:
		case *errConditionFailed:
			r = cancellationReason{Code: "ConditionalCheckFailed", Message: "The conditional request failed"}
			if returnOld[i] {
				r.Item = x.Item
			}
		case *errDuplicateItem:
			// ExecuteTransaction's INSERT of an existing key.
			r = cancellationReason{Code: "DuplicateItem", Message: x.Error()}
		default:
			msg := exprErr(e).Error()
			if ae, ok := exprErr(e).(*awsjson.Error); ok {
				msg = ae.Message
			}
			r = cancellationReason{Code: "ValidationError", Message: msg}
		}
		reasons[i] = r
		codes[i] = r.Code
	}
	e := awsjson.Errorf(TransactionCanceledException, "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]", strings.Join(codes, ", "))
	e.Extra = map[string]any{"CancellationReasons": reasons}
	return e
}
