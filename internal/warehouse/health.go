package warehouse

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// healthMigration is the one-row table a health check commits to.
var healthMigration = Migration{Name: "0031_health", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.health (id INTEGER PRIMARY KEY, checked_at TIMESTAMPTZ NOT NULL)`,
}}

// Health reports whether the warehouse commits: it writes one row in a
// transaction of its own (nil when it committed).
func (w *Warehouse) Health(ctx context.Context) error {
	return w.Update(ctx, func(c *Conn) error {
		_, err := c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.health VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`)
		return err
	})
}

// ViewsHealth reports the materialized views whose ingestion does not work:
// the last refresh failed (the error is in SVL_MV_REFRESH_STATUS and the
// log), or a crash paused the view (STV_MV_INFO.paused_reason). nil when
// every view refreshes.
func (w *Warehouse) ViewsHealth(ctx context.Context) error {
	c, err := w.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	res, err := c.Query(ctx, `SELECT schema_name || '.' || name,
		CASE WHEN p.mv_id IS NOT NULL THEN 'paused: ' || p.reason ELSE 'last refresh failed' END
		FROM `+CatalogSchema+`.materialized_views m LEFT JOIN `+CatalogSchema+`.mv_paused p ON p.mv_id = m.id
		WHERE m.state = $1 OR p.mv_id IS NOT NULL ORDER BY 1`, mvStateFailed)
	if err != nil {
		return err
	}
	var bad []string
	for res.Next() {
		v := res.Values()
		bad = append(bad, fmt.Sprintf("%v (%v)", v[0], v[1]))
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("materialized views not refreshing: %s", strings.Join(bad, ", "))
	}
	return nil
}
