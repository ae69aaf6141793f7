package dynamoapi

// BatchWriteItem.
//
// Behavior: up to 25 PutRequest and DeleteRequest entries over any tables,
// checked as PutItem and DeleteItem check them, written in one atomic,
// durable batch (stronger than DynamoDB, which applies each item
// separately). Two requests for one item are refused with DynamoDB's
// text. UnprocessedItems is always empty: nothing is throttled.
//
// Deviations: ReturnItemCollectionMetrics returns nothing.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type writeRequest struct {
	PutRequest *struct {
		Item attr.Item `json:"Item"`
	} `json:"PutRequest"`
	DeleteRequest *struct {
		Key attr.Item `json:"Key"`
	} `json:"DeleteRequest"`
}

type batchWriteItemInput struct {
	RequestItems                map[string][]writeRequest `json:"RequestItems"`
	ReturnConsumedCapacity      *string                   `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics *string                   `json:"ReturnItemCollectionMetrics"`
}

func (a *API) batchWriteItem(ctx context.Context, body []byte) (any, error) {
	var in batchWriteItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	total := 0
	for name, reqs := range in.RequestItems {
		n := name
		checkTableName(&c, &n, "requestItems."+name+".member.tableName")
		total += len(reqs)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	for _, reqs := range in.RequestItems {
		for _, r := range reqs {
			if (r.PutRequest == nil) == (r.DeleteRequest == nil) {
				return nil, validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			}
		}
	}
	if total > maxBatchPut {
		return nil, validation("Too many items requested for the BatchWriteItem call")
	}
	var ops []tables.Op
	sizes := map[string]int{}
	seen := map[string]bool{}
	for name, reqs := range in.RequestItems {
		t, err := a.st.Table(tableNameOf(name))
		if err != nil {
			return nil, a.fail(err, name)
		}
		for _, r := range reqs {
			var key attr.Item
			op := tables.Op{Table: t.Name}
			if r.PutRequest != nil {
				item := r.PutRequest.Item
				if key, err = checkItem(t, item); err != nil {
					return nil, err
				}
				op.Decide = func(attr.Item) (tables.Action, attr.Item, error) { return tables.Put, item, nil }
				sizes[t.Name] += attr.ItemSize(item)
			} else {
				key = r.DeleteRequest.Key
				if err := checkKey(t, key); err != nil {
					return nil, err
				}
				op.Decide = func(attr.Item) (tables.Action, attr.Item, error) { return tables.Delete, nil, nil }
			}
			ks := t.Name + "\x00" + string(key.AppendJSON(nil))
			if seen[ks] {
				return nil, validation("Provided list of item keys contains duplicates")
			}
			seen[ks] = true
			op.Key = key
			ops = append(ops, op)
		}
	}
	if _, err := a.st.Write(ctx, ops); err != nil {
		return nil, a.fail(err, "")
	}
	out := struct {
		UnprocessedItems map[string]any `json:"UnprocessedItems"`
		ConsumedCapacity []*consumed    `json:"ConsumedCapacity,omitempty"`
	}{UnprocessedItems: map[string]any{}}
	for name := range in.RequestItems {
		if cc := capacity(in.ReturnConsumedCapacity, tableNameOf(name), func() int { return sizes[tableNameOf(name)] }, true, true); cc != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, cc)
		}
	}
	return out, nil
}
