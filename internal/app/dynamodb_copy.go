package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// copyTables gives the warehouse's COPY ... FROM 'dynamodb://...' the
// application tables: a snapshot scan, each item's attributes as type and
// text.
type copyTables struct{ st *tables.Store }

// ScanSnapshot implements warehouse.DynamoDBTables.
func (c copyTables) ScanSnapshot(ctx context.Context, table string, fn func(map[string]warehouse.DynamoDBAttr) error) error {
	err := c.st.ScanSnapshot(ctx, table, func(item attr.Item) error {
		m := make(map[string]warehouse.DynamoDBAttr, len(item))
		for name, v := range item {
			a := warehouse.DynamoDBAttr{Type: v.T.String()}
			if v.T == attr.S || v.T == attr.N {
				a.Text = v.S
			}
			m[name] = a
		}
		return fn(m)
	})
	if errors.Is(err, tables.ErrTableNotFound) {
		return fmt.Errorf("%w: %s", warehouse.ErrDynamoDBTableNotFound, table)
	}
	return err
}
