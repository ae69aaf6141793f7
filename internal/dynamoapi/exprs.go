package dynamoapi

import (
	"errors"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// exprFields are the expression parameters most operations share.
type exprFields struct {
	ExpressionAttributeNames  map[string]string               `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues map[string]attr.Value           `json:"ExpressionAttributeValues"`
	ConditionExpression       *string                         `json:"ConditionExpression"`
	Expected                  map[string]expr.LegacyCondition `json:"Expected"`
	ConditionalOperator       *string                         `json:"ConditionalOperator"`
}

// exprErr turns an expression error into the ValidationException.
func exprErr(err error) error {
	var ee *expr.Error
	if errors.As(err, &ee) {
		return validation("%s", ee.Msg)
	}
	return err
}

func present(s *string) bool { return s != nil }

// params returns the request's placeholders after DynamoDB's checks of
// their keys.
func (f *exprFields) params() (*expr.Params, error) {
	p := &expr.Params{Names: f.ExpressionAttributeNames, Values: f.ExpressionAttributeValues}
	if err := p.CheckKeys(f.ExpressionAttributeNames != nil, f.ExpressionAttributeValues != nil); err != nil {
		return nil, exprErr(err)
	}
	return p, nil
}

// condition parses ConditionExpression or converts Expected (nil when
// neither is given).
func (f *exprFields) condition(p *expr.Params) (*expr.Condition, error) {
	if f.ConditionExpression != nil {
		c, err := expr.ParseCondition(*f.ConditionExpression, p)
		return c, exprErr(err)
	}
	if f.Expected != nil {
		op := ""
		if f.ConditionalOperator != nil {
			op = *f.ConditionalOperator
		}
		c, err := expr.ConvertExpected(f.Expected, op)
		return c, exprErr(err)
	}
	return nil, nil
}

// singleWrite runs the checks PutItem and DeleteItem share, in DynamoDB's
// order: the table name, ConditionExpression against the legacy Expected,
// ReturnValues NONE or ALL_OLD, the placeholders and the condition, and
// no unused placeholder. It returns the table's name and the condition
// (nil when none).
func (f *exprFields) singleWrite(tableName, returnValues *string) (string, *expr.Condition, error) {
	var c constraints
	checkTableName(&c, tableName, "tableName")
	if err := c.err(); err != nil {
		return "", nil, err
	}
	if err := expr.CheckParams([]expr.Param{{Name: "ConditionExpression", Present: present(f.ConditionExpression)}},
		[]expr.Param{{Name: "Expected", Present: f.Expected != nil}},
		f.ExpressionAttributeNames != nil, f.ExpressionAttributeValues != nil); err != nil {
		return "", nil, exprErr(err)
	}
	if returnValues != nil && *returnValues != "NONE" && *returnValues != "ALL_OLD" {
		return "", nil, validation("ReturnValues can only be ALL_OLD or NONE")
	}
	p, err := f.params()
	if err != nil {
		return "", nil, err
	}
	cond, err := f.condition(p)
	if err != nil {
		return "", nil, err
	}
	if err := p.CheckUnused(); err != nil {
		return "", nil, exprErr(err)
	}
	return tableNameOf(*tableName), cond, nil
}

// projectionOf parses ProjectionExpression or converts AttributesToGet.
func projectionOf(pe *string, toGet []string, p *expr.Params) (*expr.Projection, error) {
	if pe != nil {
		pr, err := expr.ParseProjection(*pe, p)
		return pr, exprErr(err)
	}
	if toGet != nil {
		pr, err := expr.ConvertAttributesToGet(toGet)
		return pr, exprErr(err)
	}
	return nil, nil
}

// evalCond evaluates c (nil: true) on item, as a Decide step.
func evalCond(c *expr.Condition, item attr.Item) error {
	if c == nil {
		return nil
	}
	ok, err := c.Eval(item)
	if err != nil {
		return exprErr(err)
	}
	if !ok {
		return &errConditionFailed{Item: item}
	}
	return nil
}

// singleWriteErr translates the error of a one-item write.
func (a *API) singleWriteErr(err error, table string, returnOld bool) error {
	var ce *tables.CanceledError
	if errors.As(err, &ce) {
		for _, e := range ce.Errs {
			if e != nil {
				err = e
				break
			}
		}
	}
	var cf *errConditionFailed
	if errors.As(err, &cf) {
		return conditionError(cf.Item, returnOld)
	}
	return a.fail(exprErr(err), table)
}

func wantOld(rv *string) bool { return rv != nil && *rv == "ALL_OLD" }
