package dynamoapi

// ExecuteTransaction.
//
// Behavior: up to 100 PartiQL statements run as one transaction, all
// reads or all writes (EXISTS checks may join writes, as ConditionCheck
// joins TransactWriteItems). A read transaction is SELECTs that each name
// a whole key of a table; Responses holds each item (an empty entry for a
// missing one) in order, read at one instant. A write transaction is
// INSERT, UPDATE, DELETE and EXISTS statements, applied all or nothing
// in one durable batch, as TransactWriteItems applies its actions; when a
// statement fails its condition (an INSERT of an existing key, an UPDATE
// of a missing item, a WHERE clause or EXISTS that does not hold) nothing
// is written and TransactionCanceledException carries one reason per
// statement, in order (None, ConditionalCheckFailed, DuplicateItem,
// ValidationError). Two statements on one item are refused.
// ClientRequestToken makes a write transaction idempotent for 10 minutes.
//
// Deviations: RETURNING is ignored inside a transaction; the message for
// a transaction that mixes reads and writes is blueshift's (DynamoDB's is
// not documented).

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi/partiql"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type executeTransactionInput struct {
	TransactStatements []struct {
		Statement                           *string      `json:"Statement"`
		Parameters                          []attr.Value `json:"Parameters"`
		ReturnValuesOnConditionCheckFailure *string      `json:"ReturnValuesOnConditionCheckFailure"`
	} `json:"TransactStatements"`
	ClientRequestToken     *string `json:"ClientRequestToken"`
	ReturnConsumedCapacity *string `json:"ReturnConsumedCapacity"`
}

func (a *API) executeTransaction(ctx context.Context, body []byte) (any, error) {
	var in executeTransactionInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	for i, s := range in.TransactStatements {
		if s.Statement == nil { // the model requires it; this guards callers that skip its checks
			c.add(nil, "transactStatements."+itoa(i+1)+".member.statement", "Member must not be null")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	plans := make([]*partiql.Plan, len(in.TransactStatements))
	tbls := make([]*tables.Table, len(in.TransactStatements))
	reads, writes := 0, 0
	for i, s := range in.TransactStatements {
		st, err := partiql.Parse(*s.Statement)
		if err != nil {
			return nil, exprErr(err)
		}
		if st.Index != "" {
			return nil, validation("The table does not have the specified index: %s", st.Index)
		}
		t, err := a.st.Table(st.Table)
		if err != nil {
			return nil, a.fail(err, st.Table)
		}
		pl, err := st.Plan(s.Parameters, t.Key.Hash.Name, t.Key.Range.Name)
		if err != nil {
			return nil, exprErr(err)
		}
		if pl.Kind == partiql.Select {
			if len(pl.Keys) != 1 {
				return nil, validation("Select statements within ExecuteTransaction must specify the full primary key of one item")
			}
			reads++
		} else {
			writes++
		}
		plans[i], tbls[i] = pl, t
	}
	if reads > 0 && writes > 0 {
		return nil, validation("Transaction must contain either all read or all write statements")
	}
	if reads > 0 {
		return a.readTransaction(ctx, plans, tbls)
	}
	nowMs := a.now().UnixMilli()
	req := ""
	if in.ClientRequestToken != nil {
		b, _ := jsonMarshal(in.TransactStatements)
		req = "ExecuteTransaction" + string(b)
		res, ok, err := a.tokens.get(*in.ClientRequestToken, req, nowMs)
		if err != nil {
			return nil, err
		}
		if ok {
			return res, nil
		}
	}
	ops := make([]tables.Op, len(plans))
	returnOld := make([]bool, len(plans))
	seen := transactItems{}
	for i, pl := range plans {
		var paths []expr.Path
		op, err := statementOp(tbls[i], pl, &paths)
		if err != nil {
			return nil, err
		}
		if err := seen.add(op.Table, op.Key); err != nil {
			return nil, err
		}
		returnOld[i] = wantOld(in.TransactStatements[i].ReturnValuesOnConditionCheckFailure)
		ops[i] = op
	}
	if _, err := a.st.Write(ctx, ops); err != nil {
		return nil, a.transactErr(err, returnOld)
	}
	out := struct {
		Responses []itemResponse `json:"Responses,omitempty"`
	}{}
	if in.ClientRequestToken != nil {
		a.tokens.put(*in.ClientRequestToken, req, out, nowMs)
	}
	return out, nil
}

// readTransaction reads the SELECTs' items at one instant.
func (a *API) readTransaction(ctx context.Context, plans []*partiql.Plan, tbls []*tables.Table) (any, error) {
	refs := make([]tables.GetRef, len(plans))
	seen := transactItems{}
	for i, pl := range plans {
		k := pl.Keys[0]
		if err := checkKey(tbls[i], k); err != nil {
			return nil, err
		}
		if err := seen.add(tbls[i].Name, k); err != nil {
			return nil, err
		}
		refs[i] = tables.GetRef{Table: tbls[i].Name, Key: k}
	}
	items, err := a.st.Get(ctx, refs)
	if err != nil {
		return nil, a.fail(err, "")
	}
	out := struct {
		Responses []itemResponse `json:"Responses"`
	}{Responses: make([]itemResponse, len(items))}
	for i, it := range items {
		if it == nil {
			continue
		}
		pl := plans[i]
		if pl.Filter != nil {
			ok, err := pl.Filter.Eval(it)
			if err != nil {
				return nil, exprErr(err)
			}
			if !ok {
				continue
			}
		}
		if pl.Projection != nil {
			it = pl.Projection.Apply(it)
		}
		out.Responses[i] = itemResponse{Item: it}
	}
	return out, nil
}
