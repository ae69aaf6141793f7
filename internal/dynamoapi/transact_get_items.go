package dynamoapi

// TransactGetItems.
//
// Behavior: up to 100 Get actions over any tables, read as of one moment
// (every key locked together), each with ProjectionExpression and
// ExpressionAttributeNames; Responses has one entry per action, in order,
// with no Item where there is none.
//
// Deviations: none known.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type transactGetItemsInput struct {
	TransactItems []struct {
		Get *struct {
			TableName                *string           `json:"TableName"`
			Key                      attr.Item         `json:"Key"`
			ProjectionExpression     *string           `json:"ProjectionExpression"`
			ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
		} `json:"Get"`
	} `json:"TransactItems"`
	ReturnConsumedCapacity *string `json:"ReturnConsumedCapacity"`
}

type itemResponse struct {
	Item attr.Item `json:"Item,omitempty"`
}

func (a *API) transactGetItems(ctx context.Context, body []byte) (any, error) {
	var in transactGetItemsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	if in.TransactItems == nil {
		c.add(nil, "transactItems", "Member must not be null")
	} else if len(in.TransactItems) < 1 {
		c.add("[]", "transactItems", "Member must have length greater than or equal to 1")
	} else if len(in.TransactItems) > maxTransact {
		c.add("[...]", "transactItems", "Member must have length less than or equal to 100")
	}
	checkEnum(&c, in.ReturnConsumedCapacity, "returnConsumedCapacity", "INDEXES", "TOTAL", "NONE")
	for i, ti := range in.TransactItems {
		if ti.Get == nil {
			c.add(nil, "transactItems."+itoa(i+1)+".member.get", "Member must not be null")
			continue
		}
		checkTableName(&c, ti.Get.TableName, "transactItems."+itoa(i+1)+".member.get.tableName")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	refs := make([]tables.GetRef, len(in.TransactItems))
	projs := make([]*expr.Projection, len(in.TransactItems))
	seen := transactItems{}
	for i, ti := range in.TransactItems {
		g := ti.Get
		p := &expr.Params{Names: g.ExpressionAttributeNames}
		if err := p.CheckKeys(g.ExpressionAttributeNames != nil, false); err != nil {
			return nil, exprErr(err)
		}
		pr, err := projectionOf(g.ProjectionExpression, nil, p)
		if err != nil {
			return nil, err
		}
		if err := p.CheckUnused(); err != nil {
			return nil, exprErr(err)
		}
		projs[i] = pr
		name := tableNameOf(*g.TableName)
		t, err := a.st.Table(name)
		if err != nil {
			return nil, a.fail(err, name)
		}
		if err := checkKey(t, g.Key); err != nil {
			return nil, err
		}
		if err := seen.add(name, g.Key); err != nil {
			return nil, err
		}
		refs[i] = tables.GetRef{Table: name, Key: g.Key}
	}
	items, err := a.st.Get(ctx, refs)
	if err != nil {
		return nil, a.fail(err, "")
	}
	out := struct {
		Responses []itemResponse `json:"Responses"`
	}{Responses: make([]itemResponse, len(items))}
	for i, it := range items {
		if it != nil && projs[i] != nil {
			it = projs[i].Apply(it)
		}
		out.Responses[i] = itemResponse{Item: it}
	}
	return out, nil
}
