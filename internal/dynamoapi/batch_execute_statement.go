package dynamoapi

// BatchExecuteStatement.
//
// Behavior: up to 25 PartiQL statements, all reads or all writes, each
// run as ExecuteStatement runs it (reads must name whole keys); each
// statement's result or error is its entry in Responses, in order, with
// TableName and Item (a read) or Error {Code, Message}.
//
// Deviations: the writes are applied one by one, not as one batch.

import (
	"context"
	"errors"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi/partiql"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type batchStatementError struct {
	Code    string    `json:"Code"`
	Message string    `json:"Message"`
	Item    attr.Item `json:"Item,omitempty"`
}

type batchStatementResponse struct {
	TableName string               `json:"TableName,omitempty"`
	Item      attr.Item            `json:"Item,omitempty"`
	Error     *batchStatementError `json:"Error,omitempty"`
}

func (a *API) batchExecuteStatement(ctx context.Context, body []byte) (any, error) {
	var in struct {
		Statements []struct {
			Statement                           *string      `json:"Statement"`
			Parameters                          []attr.Value `json:"Parameters"`
			ConsistentRead                      *bool        `json:"ConsistentRead"`
			ReturnValuesOnConditionCheckFailure *string      `json:"ReturnValuesOnConditionCheckFailure"`
		} `json:"Statements"`
		ReturnConsumedCapacity *string `json:"ReturnConsumedCapacity"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	for i, s := range in.Statements {
		if s.Statement == nil { // the model requires it; this guards callers that skip its checks
			c.add(nil, "statements."+itoa(i+1)+".member.statement", "Member must not be null")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	reads, writes := 0, 0
	for _, s := range in.Statements {
		if st, err := partiql.Parse(*s.Statement); err == nil {
			if st.Kind == partiql.Select {
				reads++
			} else {
				writes++
			}
		}
	}
	if reads > 0 && writes > 0 {
		return nil, validation("Supplied batch contains both read and write operations")
	}
	out := struct {
		Responses []batchStatementResponse `json:"Responses"`
	}{Responses: make([]batchStatementResponse, len(in.Statements))}
	for i, s := range in.Statements {
		r := &out.Responses[i]
		if st, err := partiql.Parse(*s.Statement); err == nil {
			r.TableName = st.Table
		}
		res, err := a.runStatement(ctx, *s.Statement, s.Parameters, 0, nil, nil, wantOld(s.ReturnValuesOnConditionCheckFailure))
		if err != nil {
			var ae *awsjson.Error
			if !errors.As(err, &ae) {
				return nil, err
			}
			code := ae.Type[strings.LastIndex(ae.Type, "#")+1:]
			if code == "ValidationException" {
				code = "ValidationError" // BatchStatementErrorCodeEnum's name
			}
			code = strings.TrimSuffix(code, "Exception")
			r.Error = &batchStatementError{Code: code, Message: ae.Message}
			if it, ok := ae.Extra["Item"].(attr.Item); ok {
				r.Error.Item = it
			}
			continue
		}
		if len(res.Items) > 0 && reads > 0 {
			r.Item = res.Items[0]
		}
	}
	return out, nil
}
