package dynamoapi

// ListTables.
//
// Behavior: table names in ascending order, at most Limit (1 to 100,
// default 100) after ExclusiveStartTableName, with
// LastEvaluatedTableName when more remain.
//
// Deviations: none known.

import (
	"context"
	"sort"
)

type listTablesInput struct {
	ExclusiveStartTableName *string `json:"ExclusiveStartTableName"`
	Limit                   *int64  `json:"Limit"`
}

func (a *API) listTables(ctx context.Context, body []byte) (any, error) {
	var in listTablesInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	if in.ExclusiveStartTableName != nil {
		checkTableName(&c, in.ExclusiveStartTableName, "exclusiveStartTableName")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	names := a.st.List()
	if in.ExclusiveStartTableName != nil {
		i := sort.SearchStrings(names, *in.ExclusiveStartTableName)
		if i < len(names) && names[i] == *in.ExclusiveStartTableName {
			i++
		}
		names = names[i:]
	}
	limit := 100
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := struct {
		TableNames             []string `json:"TableNames"`
		LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
	}{TableNames: names}
	if len(names) > limit {
		out.TableNames = names[:limit]
		out.LastEvaluatedTableName = names[limit-1]
	}
	if out.TableNames == nil {
		out.TableNames = []string{}
	}
	return out, nil
}
