package warehouse

// Retention of the system logs: the catalog tables behind
// SYS_MV_REFRESH_HISTORY and SVL_MV_REFRESH_STATUS, SYS_STREAM_SCAN_STATES,
// SYS_STREAM_SCAN_ERRORS, SVL_STORED_PROC_CALL and SVL_STORED_PROC_MESSAGES,
// and the schedule history. Every refresh batch and every CALL adds rows to
// them; like Redshift's system tables they keep a window of recent history
// (seven days by default) rather than growing for as long as the server
// runs. A row goes when its end (or record) time is older than the window;
// a schedule run still running stays.

import (
	"context"
	"fmt"
	"time"
)

// DefaultSystemLogRetention is how long system-log rows are kept unless the
// server is told otherwise.
const DefaultSystemLogRetention = 7 * 24 * time.Hour

// systemLogPruneEvery is how often RunSystemLogRetention prunes.
const systemLogPruneEvery = time.Hour

// systemLogs names each system-log table with the column that dates a row.
var systemLogs = []struct{ table, column string }{
	{"mv_refresh_history", "endtime"},
	{"stream_scan_states", "record_time"},
	{"stream_scan_errors", "record_time"},
	{"stored_proc_calls", "endtime"},
	{"stored_proc_messages", "recordtime"},
	{"schedule_runs", "end_time"},
}

// PruneSystemLogs deletes the system-log rows dated before cutoff and
// returns how many it deleted.
func (w *Warehouse) PruneSystemLogs(ctx context.Context, cutoff time.Time) (int64, error) {
	c, err := w.connect(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var total int64
	err = c.InTx(ctx, func() error {
		for _, l := range systemLogs {
			// TIMESTAMP columns hold UTC; a TIMESTAMPTZ compares as an instant.
			n, err := c.Exec(ctx, fmt.Sprintf("DELETE FROM %s.%s WHERE %s < $1", CatalogSchema, l.table, l.column), cutoff.UTC())
			if err != nil {
				return fmt.Errorf("warehouse: prune %s: %w", l.table, err)
			}
			total += n
		}
		return nil
	})
	return total, err
}

// RunSystemLogRetention prunes the system logs to the last keep, at once
// and then every hour, until ctx ends. keep <= 0 keeps everything.
func (w *Warehouse) RunSystemLogRetention(ctx context.Context, keep time.Duration) error {
	if keep <= 0 {
		return nil
	}
	log := w.log.With("component", "system_log_retention")
	t := time.NewTicker(systemLogPruneEvery)
	defer t.Stop()
	for {
		n, err := w.PruneSystemLogs(ctx, time.Now().Add(-keep))
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			log.Warn("prune system logs", "err", err)
		case n > 0:
			log.Info("pruned system logs", "rows", n, "older_than", keep)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
