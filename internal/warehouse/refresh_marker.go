package warehouse

// Crash markers: a streaming view whose refresh takes the process down
// does not keep it down.
//
// Before a batch runs, a marker file named after the view's id is created
// in the data directory's "refreshing" folder; it is removed when the batch
// returns, whether it succeeded or failed. A marker found at Open is a
// batch that never returned: the process died inside it (a crash in
// DuckDB, a panic, kill -9, power loss). The view gets a strike (a
// "<id>.strike" file beside the markers), which its next batch to return
// clears. A view whose marker is found while it has a strike, so that the
// process died inside its batches on two runs in a row, is paused: its
// AUTO REFRESH loop does not start, STV_MV_INFO says why (paused_reason),
// /healthz reports it, and ALTER MATERIALIZED VIEW ... AUTO REFRESH YES
// resumes it (NO clears the pause too, leaving the view refreshed by
// hand). A manual REFRESH of a paused view runs, as the user asked. One
// strike, not one crash, pauses: a single kill -9 or power loss that
// happens to fall inside an innocent batch (every view in a batch at that
// moment would be suspect) costs nothing, and a record that crashes the
// process costs two restarts, never a crash loop. Listeners open before
// any loop starts (Options.DeferAutoRefresh), so the server answers
// between them.
//
// The marker needs no fsync: it guards against the process dying, and the
// operating system keeps the file whatever happens to the process.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// mvPausedMigration holds the paused views (a table of its own: DuckDB 1.5
// cannot replay an ALTER TABLE from its WAL after a crash).
var mvPausedMigration = Migration{Name: "0030_mv_paused", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.mv_paused (
		mv_id     BIGINT PRIMARY KEY,
		paused_at TIMESTAMPTZ NOT NULL,
		reason    VARCHAR NOT NULL
	)`,
}}

// crashRefreshEnv names a view whose refreshes panic, for the tests that
// show a crashing refresh does not keep the server down. Nothing else
// sets it.
const crashRefreshEnv = "BLUESHIFT_TEST_CRASH_REFRESH"

func (m *ingestManager) markerDir() string {
	return filepath.Join(filepath.Dir(m.w.path), "refreshing")
}

// markRefreshing creates mv's marker; the returned function removes it.
func (m *ingestManager) markRefreshing(mv *mvRow) (func(), error) {
	dir := m.markerDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, errorf("refresh marker: %w", err)
	}
	path := filepath.Join(dir, strconv.FormatInt(mv.id, 10))
	if err := os.WriteFile(path, []byte(mv.qualified()+"\n"), 0o644); err != nil {
		return nil, errorf("refresh marker: %w", err)
	}
	if name := os.Getenv(crashRefreshEnv); name != "" && name == mv.name {
		panic(fmt.Sprintf("%s: injected crash in the refresh of %s", crashRefreshEnv, mv.qualified()))
	}
	return func() {
		_ = os.Remove(path)
		m.mu.Lock()
		struck := m.mu.strikes[mv.id]
		delete(m.mu.strikes, mv.id)
		m.mu.Unlock()
		if struck {
			_ = os.Remove(path + strikeSuffix)
		}
	}, nil
}

// strikeSuffix names a view's strike file: its marker's name and this.
const strikeSuffix = ".strike"

// pauseCrashed pauses every view whose marker survived the last run, and
// loads the paused views. It runs at Open, before any loop starts.
func (m *ingestManager) pauseCrashed(ctx context.Context, c *Conn) error {
	entries, err := os.ReadDir(m.markerDir())
	if err != nil && !os.IsNotExist(err) {
		return errorf("refresh markers: %w", err)
	}
	for _, e := range entries {
		id, err := strconv.ParseInt(e.Name(), 10, 64)
		if err != nil {
			continue
		}
		marker := filepath.Join(m.markerDir(), e.Name())
		if _, err := os.Stat(marker + strikeSuffix); os.IsNotExist(err) {
			// The first strike: the view refreshes; its next batch to
			// return clears the strike.
			if err := os.WriteFile(marker+strikeSuffix, nil, 0o644); err != nil {
				return errorf("refresh marker: %w", err)
			}
			if err := os.Remove(marker); err != nil {
				return errorf("refresh marker: %w", err)
			}
			m.mu.Lock()
			m.mu.strikes[id] = true
			m.mu.Unlock()
			m.log.Warn("a refresh of this materialized view was running when the server stopped unexpectedly; it is paused if that happens again",
				"view_id", id)
			continue
		}
		_ = os.Remove(marker + strikeSuffix)
		reason := fmt.Sprintf("paused at start on %s: a refresh of this view was running when the server stopped unexpectedly (a crash or a kill), on two runs in a row; ALTER MATERIALIZED VIEW ... AUTO REFRESH YES resumes it",
			time.Now().UTC().Format(time.RFC3339))
		if _, err := c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.mv_paused
			SELECT id, now(), $2 FROM `+CatalogSchema+`.materialized_views WHERE id = $1 ON CONFLICT DO NOTHING`, id, reason); err != nil {
			return errorf("pause view %d: %w", id, err)
		}
		m.log.Error("materialized view paused: its refresh was running when the server stopped unexpectedly",
			"view_id", id, "resume", "ALTER MATERIALIZED VIEW ... AUTO REFRESH YES")
		if err := os.Remove(marker); err != nil {
			return errorf("refresh marker: %w", err)
		}
	}
	res, err := c.Query(ctx, `SELECT mv_id, reason FROM `+CatalogSchema+`.mv_paused`)
	if err != nil {
		return errorf("read paused views: %w", err)
	}
	defer res.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	for res.Next() {
		v := res.Values()
		m.mu.paused[v[0].(int64)] = v[1].(string)
	}
	return res.Err()
}

// resume clears mv's pause, in c's transaction; the caller then calls
// resumed once it committed.
func resumeMV(ctx context.Context, c *Conn, id int64) error {
	if _, err := c.Exec(ctx, `DELETE FROM `+CatalogSchema+`.mv_paused WHERE mv_id = $1`, id); err != nil {
		return errorf("resume view: %w", err)
	}
	return nil
}

func (m *ingestManager) resumed(id int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.mu.paused, id)
}

// pausedReason says why mv is paused ("" when it is not).
func (m *ingestManager) pausedReason(id int64) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mu.paused[id]
}
