package warehouse

// Schedules: CREATE / ALTER / DROP SCHEDULE and SHOW SCHEDULES, the catalog
// rows behind them, and SYS_SCHEDULES / SYS_SCHEDULE_HISTORY. The runner that
// executes them is schedule_run.go.
//
// Behavior:
//   - A schedule is a row of blueshift_catalog.schedules, written in the
//     caller's transaction: it exists once that transaction commits.
//   - Names are global (not in a schema), folded like identifiers: lower case
//     unless quoted with enable_case_sensitive_identifier on.
//   - ON CHANGE OF relation runs whenever a change to the relation commits
//     (schedule_run.go says how runs coalesce).
//   - A rate (EVERY n unit) first runs one period after it is created or
//     resumed; a cron expression (five fields, or @hourly-style descriptors,
//     read by github.com/robfig/cron/v3) runs at its next matching minute, UTC.
//   - The schedule keeps the search_path and case-sensitivity settings of the
//     session that created it; each run gets a fresh session with those
//     settings, owned by the creator.
//   - CREATE OR REPLACE keeps the name's run history; DROP removes the
//     schedule and its history.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// scheduleMigration creates the schedule catalog, the run history and the
// system views over them.
var scheduleMigration = Migration{Name: "0020_schedules", SQL: []string{
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.schedules (
		name          VARCHAR PRIMARY KEY,
		rate          VARCHAR NOT NULL,  -- as written: 'every 30 seconds' or 'cron */5 * * * *'
		every_seconds BIGINT,            -- NULL for cron
		cron          VARCHAR,           -- NULL for a rate
		body          VARCHAR NOT NULL,
		script        BOOLEAN NOT NULL,  -- body is a script of several statements
		paused        BOOLEAN NOT NULL,
		owner         VARCHAR NOT NULL,
		settings      VARCHAR NOT NULL,  -- JSON: {"name": "value"} applied to each run's session
		created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
		updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
	)`,
	// The runner's own row per schedule, apart from the definition so the
	// runner never writes a row a client may be altering.
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.schedule_state (
		name     VARCHAR PRIMARY KEY,
		next_run TIMESTAMPTZ
	)`,
	`CREATE SEQUENCE IF NOT EXISTS ` + CatalogSchema + `.schedule_run_seq`,
	`CREATE TABLE IF NOT EXISTS ` + CatalogSchema + `.schedule_runs (
		run_id         BIGINT NOT NULL,
		schedule_name  VARCHAR NOT NULL,
		scheduled_time TIMESTAMPTZ NOT NULL,
		start_time     TIMESTAMPTZ NOT NULL,
		end_time       TIMESTAMPTZ,
		status         VARCHAR NOT NULL, -- running, succeeded, failed, cancelled
		error_code     VARCHAR,
		error_message  VARCHAR,
		rows           BIGINT
	)`,
	`CREATE OR REPLACE VIEW main.sys_schedule_history AS
		SELECT schedule_name, run_id,
		       timezone('UTC', scheduled_time) AS scheduled_time,
		       timezone('UTC', start_time) AS start_time,
		       timezone('UTC', end_time) AS end_time,
		       status, error_code, error_message, rows
		FROM ` + CatalogSchema + `.schedule_runs`,
	`CREATE OR REPLACE VIEW main.sys_schedules AS
		SELECT s.name AS schedule_name, s.rate AS schedule,
		       CASE WHEN s.paused THEN 'paused' ELSE 'active' END AS state,
		       s.body AS query_text, s.owner,
		       timezone('UTC', s.created_at) AS created_time,
		       CASE WHEN s.paused THEN NULL ELSE timezone('UTC', st.next_run) END AS next_run_time,
		       timezone('UTC', l.start_time) AS last_run_start,
		       l.status AS last_run_status,
		       (SELECT count(*) FROM ` + CatalogSchema + `.schedule_runs r WHERE r.schedule_name = s.name) AS runs
		FROM ` + CatalogSchema + `.schedules s
		LEFT JOIN ` + CatalogSchema + `.schedule_state st ON st.name = s.name
		LEFT JOIN (
			SELECT schedule_name, arg_max(start_time, run_id) AS start_time, arg_max(status, run_id) AS status
			FROM ` + CatalogSchema + `.schedule_runs GROUP BY schedule_name
		) l ON l.schedule_name = s.name`,
}}

// scheduleOnChangeMigration adds the trigger relation of ON CHANGE OF
// schedules; NULL for a timer.
var scheduleOnChangeMigration = Migration{Name: "0022_schedule_on_change", SQL: []string{
	`ALTER TABLE ` + CatalogSchema + `.schedules ADD COLUMN IF NOT EXISTS on_change VARCHAR`,
}}

// scheduleSettings are the session settings a schedule keeps from its creator.
var scheduleSettings = []string{"search_path", "enable_case_sensitive_identifier", "enable_case_sensitive_super_attribute", "timezone"}

// planSchedule plans the schedule statements.
func (s *Session) planSchedule(ctx context.Context, stmt ast.Stmt, text string) (*plan, error) {
	switch n := stmt.(type) {
	case *ast.CreateSchedule:
		return &plan{command: "CREATE SCHEDULE", run: func(ctx context.Context, _ []any) (*Result, error) {
			return s.createSchedule(ctx, n)
		}}, nil
	case *ast.AlterSchedule:
		return &plan{command: "ALTER SCHEDULE", run: func(ctx context.Context, _ []any) (*Result, error) {
			return s.alterSchedule(ctx, n)
		}}, nil
	case *ast.DropSchedule:
		return &plan{command: "DROP SCHEDULE", run: func(ctx context.Context, _ []any) (*Result, error) {
			return s.dropSchedule(ctx, n)
		}}, nil
	case *ast.ShowSchedules:
		return s.planDuck(ctx, `SELECT schedule_name, schedule, state, next_run_time, last_run_start,
			last_run_status, query_text FROM main.sys_schedules ORDER BY schedule_name`, "SHOW")
	}
	return nil, fmt.Errorf("warehouse: not a schedule statement: %T", stmt)
}

// scheduleName folds a schedule name as identifiers are folded.
func (s *Session) scheduleName(id ast.Ident) string {
	if id.Quoted && s.Options().CaseSensitive {
		return id.Name
	}
	return strings.ToLower(id.Name)
}

// parseCron reads a cron expression: five fields or a descriptor.
func parseCron(expr string) (cron.Schedule, error) {
	sched, err := cron.ParseStandard(expr)
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid cron expression %q: %v", expr, err)
	}
	return sched, nil
}

func (s *Session) createSchedule(ctx context.Context, n *ast.CreateSchedule) (*Result, error) {
	name := s.scheduleName(n.Name)
	rate := fmt.Sprintf("every %d %ss", n.Every, n.Unit)
	var every any
	var cronExpr, onChange any
	if n.OnChange != nil {
		parts := make([]string, len(n.OnChange))
		for i, id := range n.OnChange {
			parts[i] = foldIdent(id, s.Options())
		}
		rel := strings.Join(parts, ".")
		rate, onChange = "on change of "+rel, rel
	} else if n.Cron != "" {
		if _, err := parseCron(n.Cron); err != nil {
			return nil, err
		}
		rate, cronExpr = "cron "+n.Cron, n.Cron
	} else {
		if n.Every == 1 {
			rate = strings.TrimSuffix(rate, "s")
		}
		every = n.EverySeconds()
	}
	if n.Script {
		pieces, err := bsql.Split(n.Body)
		if err != nil {
			return nil, sqlerr.Wrap(sqlerr.SyntaxError, err, "schedule %s", name)
		}
		if len(pieces) == 0 {
			return nil, sqlerr.New(sqlerr.SyntaxError, "schedule %s: the script holds no statement", name)
		}
		for _, p := range pieces {
			if _, err := bsql.Translate(p.Text, s.Options()); err != nil {
				return nil, shiftPosition(err, n.Body, p.Offset)
			}
		}
	}
	settings := map[string]string{}
	for _, k := range scheduleSettings {
		if v, ok := s.Setting(k); ok {
			settings[k] = v
		}
	}
	settingsJSON, err := json.Marshal(settings)
	if err != nil {
		return nil, fmt.Errorf("warehouse: schedule settings: %w", err)
	}
	err = s.atomicHere(ctx, func() error {
		c := s.Conn()
		exists, err := scheduleExists(ctx, c, name, false)
		if err != nil {
			return err
		}
		switch {
		case exists && n.IfNotExists:
			s.Notify(Notice{Severity: "NOTICE", Code: "42710", Message: fmt.Sprintf("schedule %q already exists, skipping", name)})
			return nil
		case exists && !n.OrReplace:
			return sqlerr.New(sqlerr.DuplicateObject, "schedule %q already exists", name)
		case exists:
			_, err = c.Exec(ctx, `UPDATE `+CatalogSchema+`.schedules SET rate = $2, every_seconds = $3, cron = $4,
				body = $5, script = $6, paused = $7, owner = $8, settings = $9, on_change = $10, updated_at = now() WHERE name = $1`,
				name, rate, every, cronExpr, n.Body, n.Script, n.Paused, s.User(), string(settingsJSON), onChange)
		default:
			_, err = c.Exec(ctx, `INSERT INTO `+CatalogSchema+`.schedules
				(name, rate, every_seconds, cron, body, script, paused, owner, settings, on_change) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				name, rate, every, cronExpr, n.Body, n.Script, n.Paused, s.User(), string(settingsJSON), onChange)
		}
		if err != nil {
			return fmt.Errorf("warehouse: create schedule %s: %w", name, err)
		}
		// A new definition starts a new timetable.
		_, err = c.Exec(ctx, `DELETE FROM `+CatalogSchema+`.schedule_state WHERE name = $1`, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.w.wakeScheduler()
	return commandResult("CREATE SCHEDULE"), nil
}

// scheduleExists reports whether the schedule exists (and, with
// activeOnly, is not paused).
func scheduleExists(ctx context.Context, c *Conn, name string, activeOnly bool) (bool, error) {
	res, err := c.Query(ctx, `SELECT count(*) FROM `+CatalogSchema+`.schedules WHERE name = $1 AND (NOT $2 OR NOT paused)`, name, activeOnly)
	if err != nil {
		return false, fmt.Errorf("warehouse: look up schedule %s: %w", name, err)
	}
	var n int64
	if res.Next() {
		n, _ = res.Values()[0].(int64)
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return false, fmt.Errorf("warehouse: look up schedule %s: %w", name, err)
	}
	return n > 0, nil
}

func (s *Session) alterSchedule(ctx context.Context, n *ast.AlterSchedule) (*Result, error) {
	name := s.scheduleName(n.Name)
	s.w.sched.startMu.Lock() // see scheduler.startMu
	defer s.w.sched.startMu.Unlock()
	err := s.atomicHere(ctx, func() error {
		c := s.Conn()
		changed, err := c.Exec(ctx, `UPDATE `+CatalogSchema+`.schedules SET paused = $2, updated_at = now() WHERE name = $1`, name, n.Pause)
		if err != nil {
			return fmt.Errorf("warehouse: alter schedule %s: %w", name, err)
		}
		if changed == 0 {
			return sqlerr.New(sqlerr.UndefinedObject, "schedule %q does not exist", name)
		}
		if !n.Pause {
			// Resuming starts the timetable afresh, as after CREATE.
			_, err = c.Exec(ctx, `DELETE FROM `+CatalogSchema+`.schedule_state WHERE name = $1`, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.w.wakeScheduler()
	return commandResult("ALTER SCHEDULE"), nil
}

func (s *Session) dropSchedule(ctx context.Context, n *ast.DropSchedule) (*Result, error) {
	name := s.scheduleName(n.Name)
	s.w.sched.startMu.Lock() // see scheduler.startMu
	defer s.w.sched.startMu.Unlock()
	err := s.atomicHere(ctx, func() error {
		c := s.Conn()
		dropped, err := c.Exec(ctx, `DELETE FROM `+CatalogSchema+`.schedules WHERE name = $1`, name)
		if err != nil {
			return fmt.Errorf("warehouse: drop schedule %s: %w", name, err)
		}
		if dropped == 0 {
			if n.IfExists {
				s.Notify(Notice{Severity: "NOTICE", Message: fmt.Sprintf("schedule %q does not exist, skipping", name)})
				return nil
			}
			return sqlerr.New(sqlerr.UndefinedObject, "schedule %q does not exist", name)
		}
		for _, q := range []string{
			`DELETE FROM ` + CatalogSchema + `.schedule_state WHERE name = $1`,
			`DELETE FROM ` + CatalogSchema + `.schedule_runs WHERE schedule_name = $1`,
		} {
			if _, err := c.Exec(ctx, q, name); err != nil {
				return fmt.Errorf("warehouse: drop schedule %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.w.wakeScheduler()
	return commandResult("DROP SCHEDULE"), nil
}

// scheduleDef is a schedule as the runner reads it from the catalog.
type scheduleDef struct {
	name     string
	every    time.Duration // zero for cron
	cron     string
	onChange string // the trigger relation of ON CHANGE OF; empty for a timer
	body     string
	paused   bool
	owner    string
	settings map[string]string
	updated  time.Time
	nextRun  time.Time // zero when the runner has not planned it yet
	// dirty is set when the trigger relation changed since the last run
	// started (ON CHANGE OF only).
	dirty bool
	// memo is the catalog lookups of the last run's session, for the next
	// run's (catalog_cache.go); only the schedule's runs, which never
	// overlap, touch it.
	memo      lookupMemo
	memoTemps map[string]bool
}

// same reports whether two definitions describe the same timetable and work.
func (d *scheduleDef) same(o *scheduleDef) bool {
	return d.every == o.every && d.cron == o.cron && d.onChange == o.onChange && d.body == o.body && d.paused == o.paused &&
		d.owner == o.owner && d.updated.Equal(o.updated)
}

// loadSchedules reads every schedule definition.
func loadSchedules(ctx context.Context, c *Conn) (map[string]*scheduleDef, error) {
	res, err := c.Query(ctx, `SELECT s.name, s.every_seconds, s.cron, s.body, s.paused, s.owner, s.settings,
		s.updated_at, st.next_run, s.on_change
		FROM `+CatalogSchema+`.schedules s LEFT JOIN `+CatalogSchema+`.schedule_state st ON st.name = s.name`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: load schedules: %w", err)
	}
	out := map[string]*scheduleDef{}
	for res.Next() {
		v := res.Values()
		d := &scheduleDef{name: v[0].(string), body: v[3].(string), paused: v[4].(bool), owner: v[5].(string)}
		if secs, ok := v[1].(int64); ok {
			d.every = time.Duration(secs) * time.Second
		}
		if c, ok := v[2].(string); ok {
			d.cron = c
		}
		if err := json.Unmarshal([]byte(v[6].(string)), &d.settings); err != nil {
			_ = res.Close()
			return nil, fmt.Errorf("warehouse: schedule %s settings: %w", d.name, err)
		}
		if t, ok := v[7].(time.Time); ok {
			d.updated = t
		}
		if t, ok := v[8].(time.Time); ok {
			d.nextRun = t
		}
		if rel, ok := v[9].(string); ok {
			d.onChange = rel
		}
		out[d.name] = d
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return nil, fmt.Errorf("warehouse: load schedules: %w", err)
	}
	return out, nil
}
