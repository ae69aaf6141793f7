package dynamoapi

// BatchGetItem.
//
// Behavior: up to 100 keys over any tables, each table with its own
// ProjectionExpression (or AttributesToGet) and ExpressionAttributeNames;
// all keys are read, strongly consistent, and returned under Responses by
// table. UnprocessedKeys is always empty: nothing is throttled, and
// responses are not cut at 16 MB.
//
// Deviations: the 16 MB response limit is not applied (each item is at
// most 400 KB, so at most 40 MB).

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type keysAndAttributes struct {
	Keys                     []attr.Item       `json:"Keys"`
	ProjectionExpression     *string           `json:"ProjectionExpression"`
	AttributesToGet          []string          `json:"AttributesToGet"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
	ConsistentRead           *bool             `json:"ConsistentRead"`
}

type batchGetItemInput struct {
	RequestItems           map[string]keysAndAttributes `json:"RequestItems"`
	ReturnConsumedCapacity *string                      `json:"ReturnConsumedCapacity"`
}

func (a *API) batchGetItem(ctx context.Context, body []byte) (any, error) {
	var in batchGetItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	for name := range in.RequestItems {
		n := name
		checkTableName(&c, &n, "requestItems."+name+".member.tableName")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	total := 0
	projs := map[string]*expr.Projection{}
	for name, ka := range in.RequestItems {
		total += len(ka.Keys)
		if err := expr.CheckParams([]expr.Param{{Name: "ProjectionExpression", Present: present(ka.ProjectionExpression)}},
			[]expr.Param{{Name: "AttributesToGet", Present: ka.AttributesToGet != nil}}, ka.ExpressionAttributeNames != nil, false); err != nil {
			return nil, exprErr(err)
		}
		p := &expr.Params{Names: ka.ExpressionAttributeNames}
		if err := p.CheckKeys(ka.ExpressionAttributeNames != nil, false); err != nil {
			return nil, exprErr(err)
		}
		pr, err := projectionOf(ka.ProjectionExpression, ka.AttributesToGet, p)
		if err != nil {
			return nil, err
		}
		if err := p.CheckUnused(); err != nil {
			return nil, exprErr(err)
		}
		projs[name] = pr
	}
	if total > maxBatchGet {
		return nil, validation("Too many items requested for the BatchGetItem call")
	}
	var refs []tables.GetRef
	var caps []*consumed
	for name, ka := range in.RequestItems {
		t, err := a.st.Table(tableNameOf(name))
		if err != nil {
			return nil, a.fail(err, name)
		}
		seen := map[string]bool{}
		for _, k := range ka.Keys {
			if err := checkKey(t, k); err != nil {
				return nil, err
			}
			ks := string(k.AppendJSON(nil))
			if seen[ks] {
				return nil, validation("Provided list of item keys contains duplicates")
			}
			seen[ks] = true
			refs = append(refs, tables.GetRef{Table: t.Name, Key: k})
		}
	}
	items, err := a.st.Get(ctx, refs)
	if err != nil {
		return nil, a.fail(err, "")
	}
	out := struct {
		Responses        map[string][]attr.Item `json:"Responses"`
		UnprocessedKeys  map[string]any         `json:"UnprocessedKeys"`
		ConsumedCapacity []*consumed            `json:"ConsumedCapacity,omitempty"`
	}{Responses: map[string][]attr.Item{}, UnprocessedKeys: map[string]any{}}
	sizes := map[string]int{}
	for name := range in.RequestItems {
		out.Responses[tableNameOf(name)] = []attr.Item{}
	}
	for i, it := range items {
		if it == nil {
			continue
		}
		name := refs[i].Table
		sizes[name] += attr.ItemSize(it)
		if pr := projs[name]; pr != nil {
			it = pr.Apply(it)
		}
		out.Responses[name] = append(out.Responses[name], it)
	}
	for name := range out.Responses {
		if cc := capacity(in.ReturnConsumedCapacity, name, func() int { return sizes[name] }, false, true); cc != nil {
			caps = append(caps, cc)
		}
	}
	out.ConsumedCapacity = caps
	return out, nil
}
