package dynamoapi

// DeleteTable.
//
// Behavior: deletes the table and every item and index entry in one
// durable batch, and returns its description with status DELETING; the
// name is free at once. A CREATING table answers ResourceInUseException.
//
// Deviations: DynamoDB keeps the table DELETING for a while; here it is
// gone when the call returns. Deletion protection is not supported.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

func (a *API) deleteTable(ctx context.Context, body []byte) (any, error) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkTableName(&c, in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	name := tableNameOf(*in.TableName)
	t, items, size, err := a.st.Delete(ctx, name)
	if err != nil {
		if isNotFound(err) {
			return nil, awsjson.Errorf(ResourceNotFoundException, "Requested resource not found: Table: %s not found", name)
		}
		return nil, a.fail(err, name)
	}
	a.dropStreams(ctx, t)
	return struct {
		TableDescription tableDescription `json:"TableDescription"`
	}{a.describe(t, items, size, tables.StatusDeleting)}, nil
}
