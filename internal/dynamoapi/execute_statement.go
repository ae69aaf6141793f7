package dynamoapi

// ExecuteStatement.
//
// Behavior: one PartiQL statement on one table (package partiql): SELECT
// (point reads when the WHERE clause fixes whole keys, a Query when it
// fixes the partition key, with ORDER BY on the key, else a Scan; the
// whole WHERE clause filters; projection of paths; from "table"."index"),
// INSERT (refused with DuplicateItemException when the key exists),
// UPDATE (SET, REMOVE; the item must exist, else
// ConditionalCheckFailedException; RETURNING) and DELETE, with ?
// parameters, Limit and NextToken paging, ReturnConsumedCapacity and
// ReturnValuesOnConditionCheckFailure. Writes are durable when answered.
//
// Deviations: NextToken is the last key read, encoded, not an opaque
// server-side cursor; a page holds at most Limit items read (or 1 MB).

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi/partiql"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// DuplicateItemException is PartiQL INSERT of an existing key.
const DuplicateItemException = typePrefix + "DuplicateItemException"

type executeStatementInput struct {
	Statement                           *string      `json:"Statement"`
	Parameters                          []attr.Value `json:"Parameters"`
	ConsistentRead                      *bool        `json:"ConsistentRead"`
	NextToken                           *string      `json:"NextToken"`
	Limit                               *int64       `json:"Limit"`
	ReturnConsumedCapacity              *string      `json:"ReturnConsumedCapacity"`
	ReturnValuesOnConditionCheckFailure *string      `json:"ReturnValuesOnConditionCheckFailure"`
}

type executeStatementOutput struct {
	Items            []attr.Item `json:"Items"`
	NextToken        string      `json:"NextToken,omitempty"`
	LastEvaluatedKey attr.Item   `json:"LastEvaluatedKey,omitempty"`
	ConsumedCapacity *consumed   `json:"ConsumedCapacity,omitempty"`
}

func (a *API) executeStatement(ctx context.Context, body []byte) (any, error) {
	var in executeStatementInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Statement == nil { // the model requires it; this guards callers that skip its checks
		var c constraints
		c.add(nil, "statement", "Member must not be null")
		return nil, c.err()
	}
	var start attr.Item
	if in.NextToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err == nil {
			err = json.Unmarshal(raw, &start)
		}
		if err != nil {
			return nil, validation("Invalid NextToken")
		}
	}
	limit := 0
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	return a.runStatement(ctx, *in.Statement, in.Parameters, limit, start, in.ReturnConsumedCapacity, wantOld(in.ReturnValuesOnConditionCheckFailure))
}

// runStatement parses, plans and runs one statement.
func (a *API) runStatement(ctx context.Context, stmt string, params []attr.Value, limit int, start attr.Item, rcc *string, returnOld bool) (*executeStatementOutput, error) {
	st, err := partiql.Parse(stmt)
	if err != nil {
		return nil, exprErr(err)
	}
	if st.Kind == partiql.Exists {
		return nil, exprErr(partiql.ErrExistsOutsideTransaction)
	}
	t, err := a.st.Table(st.Table)
	if err != nil {
		return nil, a.fail(err, st.Table)
	}
	key := t.Key
	var ix *tables.Index
	if st.Index != "" {
		if ix = t.Index(st.Index); ix == nil {
			return nil, validation("The table does not have the specified index: %s", st.Index)
		}
		key = ix.Key
	}
	pl, err := st.Plan(params, key.Hash.Name, key.Range.Name)
	if err != nil {
		return nil, exprErr(err)
	}
	out := &executeStatementOutput{Items: []attr.Item{}}
	switch pl.Kind {
	case partiql.Select:
		return a.runSelect(ctx, t, ix, pl, limit, start, rcc, out)
	case partiql.Insert, partiql.Update, partiql.Delete:
		var paths []expr.Path
		op, err := statementOp(t, pl, &paths)
		if err != nil {
			return nil, err
		}
		outs, err := a.st.Write(ctx, []tables.Op{op})
		if err != nil {
			var ce *tables.CanceledError
			if errAs(err, &ce) {
				if _, dup := ce.Errs[0].(*errDuplicateItem); dup {
					return nil, awsjson.Errorf(DuplicateItemException, "Duplicate primary key exists in table")
				}
			}
			return nil, a.singleWriteErr(err, t.Name, returnOld)
		}
		o := outs[0]
		var ret attr.Item
		switch pl.ReturnValues {
		case "ALL_OLD":
			ret = o.Old
		case "ALL_NEW":
			ret = o.New
		case "UPDATED_OLD":
			if o.Old != nil {
				ret = nonEmpty(expr.Project(o.Old, paths))
			}
		case "UPDATED_NEW":
			ret = nonEmpty(expr.Project(o.New, paths))
		}
		if ret != nil {
			out.Items = append(out.Items, ret)
		}
		out.ConsumedCapacity = capacity(rcc, t.Name, func() int { return max(itemSize(o.Old), itemSize(o.New)) }, true, true)
		return out, nil
	}
	return out, nil
}

// errDuplicateItem is a PartiQL INSERT of a key that exists.
type errDuplicateItem struct{}

func (*errDuplicateItem) Error() string { return "Duplicate primary key exists in table" }

// statementOp checks a planned INSERT, UPDATE, DELETE or EXISTS against
// t and returns its write: an INSERT of an existing key fails with
// errDuplicateItem, an UPDATE of a missing item and a condition that does
// not hold with errConditionFailed. An UPDATE sets *paths to the paths it
// changed.
func statementOp(t *tables.Table, pl *partiql.Plan, paths *[]expr.Path) (tables.Op, error) {
	if pl.Kind == partiql.Insert {
		k, err := checkItem(t, pl.Item)
		if err != nil {
			return tables.Op{}, err
		}
		return tables.Op{Table: t.Name, Key: k, Decide: func(old attr.Item) (tables.Action, attr.Item, error) {
			if old != nil {
				return 0, nil, &errDuplicateItem{}
			}
			return tables.Put, pl.Item, nil
		}}, nil
	}
	if err := checkKey(t, pl.Key); err != nil {
		return tables.Op{}, err
	}
	return tables.Op{Table: t.Name, Key: pl.Key, Decide: func(old attr.Item) (tables.Action, attr.Item, error) {
		if err := evalCond(pl.Condition, old); err != nil {
			return 0, nil, err
		}
		switch pl.Kind {
		case partiql.Delete:
			return tables.Delete, nil, nil
		case partiql.Exists:
			return tables.Keep, nil, nil
		}
		if old == nil {
			return 0, nil, &errConditionFailed{}
		}
		n, p, err := applyUpdate(t, pl.Update, pl.Key, old)
		*paths = p
		return tables.Put, n, err
	}}, nil
}

func (a *API) runSelect(ctx context.Context, t *tables.Table, ix *tables.Index, pl *partiql.Plan, limit int, start attr.Item, rcc *string, out *executeStatementOutput) (*executeStatementOutput, error) {
	keep := func(it attr.Item) (bool, error) {
		if pl.Filter == nil {
			return true, nil
		}
		ok, err := pl.Filter.Eval(it)
		return ok, exprErr(err)
	}
	size := 0
	emit := func(it attr.Item) {
		size += attr.ItemSize(it)
		if pl.Projection != nil {
			it = pl.Projection.Apply(it)
		}
		out.Items = append(out.Items, it)
	}
	if pl.Keys != nil {
		var refs []tables.GetRef
		for _, k := range pl.Keys {
			if checkKey(t, k) == nil {
				refs = append(refs, tables.GetRef{Table: t.Name, Key: k})
			}
		}
		items, err := a.st.Get(ctx, refs)
		if err != nil {
			return nil, a.fail(err, t.Name)
		}
		for _, it := range items {
			if it == nil {
				continue
			}
			if ok, err := keep(it); err != nil {
				return nil, err
			} else if ok {
				emit(it)
			}
		}
		out.ConsumedCapacity = capacity(rcc, t.Name, func() int { return size }, false, true)
		return out, nil
	}
	req := tables.ReadRequest{Table: t.Name, Limit: limit, MaxBytes: maxPageBytes, StartKey: start, Keep: keep, Backward: pl.Descending}
	if ix != nil {
		req.Index = ix.Name
	}
	if kc := pl.Query; kc != nil {
		k := t.Key
		if ix != nil {
			k = ix.Key
		}
		if err := kc.CheckTypes(k.Hash.Type, k.Range.Type); err != nil {
			return nil, exprErr(err)
		}
		req.Query, req.Hash = true, kc.HashValue
		if r := kc.Range; r != nil {
			req.Range = tables.RangeCond{Op: rangeOps[r.Op], A: r.Values[0]}
			if len(r.Values) > 1 {
				req.Range.B = r.Values[1]
			}
		}
	}
	res, err := a.st.Read(ctx, req)
	if err != nil {
		return nil, a.fail(err, t.Name)
	}
	for _, it := range res.Items {
		emit(it)
	}
	if res.LastKey != nil {
		b, _ := json.Marshal(res.LastKey)
		out.NextToken = base64.RawURLEncoding.EncodeToString(b)
		out.LastEvaluatedKey = res.LastKey
	}
	out.ConsumedCapacity = capacity(rcc, t.Name, func() int { return size }, false, true)
	return out, nil
}
