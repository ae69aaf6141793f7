package warehouse

// The schedule runner: one goroutine (RunSchedules) owns the timetable and
// starts each due run in a goroutine of its own.
//
// Behavior:
//   - A schedule never overlaps itself: a run that is due while the previous
//     one still runs waits for it, and missed rate periods are skipped, not
//     queued. Different schedules run concurrently.
//   - The next run time is kept in blueshift_catalog.schedule_state, so a
//     restart continues the timetable; a run missed while the server was
//     down happens once, at start, and the timetable resumes from there.
//   - Each run gets a fresh session (the creator's user and settings) and
//     executes the body as a script of the simple query protocol: the first
//     error stops it. Its history row is written before it starts (status
//     running) and completed after it ends (succeeded, failed or cancelled),
//     each in a transaction of its own; rows is the sum of the rows each
//     statement returned or changed.
//   - The runner sees a schedule created, altered or dropped in autocommit
//     at once, and one changed in a transaction block within
//     scheduleReloadInterval of its commit.
//   - An ON CHANGE OF schedule runs when a change to its relation commits
//     (the change feed of mv_changes.go: table writes, streaming batches,
//     view refreshes), matched by the relation's last name part, so it errs
//     towards an extra run. Runs coalesce: never two at once, and any
//     number of changes during a run cause exactly one more run after it.
//     It also runs once when created, resumed, or the server starts, so a
//     change committed just before a crash is not left waiting.
//   - History keeps the newest scheduleHistoryKeep runs per schedule.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

const (
	// scheduleReloadInterval bounds how long the runner may miss a catalog
	// change it was not woken for.
	scheduleReloadInterval = 2 * time.Second
	// scheduleHistoryKeep is how many runs per schedule the history keeps.
	scheduleHistoryKeep = 1000
)

// scheduler is the Warehouse's link to its runner; the zero value is ready.
type scheduler struct {
	once sync.Once
	wake chan struct{}
	// startMu orders a run's start against ALTER and DROP SCHEDULE: a run
	// starts (its "running" row committed) only if its schedule is still
	// active, checked under startMu, which those statements hold while
	// they run. So once PAUSE or DROP has returned in autocommit, no run
	// of that schedule starts, and one that started before shows in the
	// history as running. (In a transaction block the change counts from
	// COMMIT.)
	startMu sync.Mutex
}

func (s *scheduler) wakeChan() chan struct{} {
	s.once.Do(func() { s.wake = make(chan struct{}, 1) })
	return s.wake
}

// wakeScheduler tells the runner the schedule catalog changed.
func (w *Warehouse) wakeScheduler() {
	select {
	case w.sched.wakeChan() <- struct{}{}:
	default:
	}
}

type scheduleMetrics struct {
	runs     *prometheus.CounterVec
	duration prometheus.Histogram
}

func newScheduleMetrics(reg prometheus.Registerer) *scheduleMetrics {
	m := &scheduleMetrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_schedule_runs_total",
			Help: "Schedule runs finished, by status (succeeded, failed, cancelled).",
		}, []string{"status"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "blueshift_schedule_run_duration_seconds",
			Help:    "Time a schedule run took.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}),
	}
	reg.MustRegister(m.runs, m.duration)
	return m
}

// runner is RunSchedules's state, owned by its goroutine.
type runner struct {
	w       *Warehouse
	log     *slog.Logger
	conn    *Conn
	defs    map[string]*scheduleDef
	running map[string]bool
}

// RunSchedules runs the catalog's schedules until ctx ends, then waits for
// the runs in progress (cancelled with ctx) to record their end. It returns
// nil when ctx ends; it fails only when it cannot reach the catalog at start.
func (w *Warehouse) RunSchedules(ctx context.Context) error {
	conn, err := w.connect(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: scheduler: %w", err)
	}
	defer conn.Close()
	r := &runner{w: w, log: w.log.With("component", "scheduler"), conn: conn,
		defs: map[string]*scheduleDef{}, running: map[string]bool{}}
	// Runs still "running" from the last process never finished: it
	// stopped during them (a crash or a kill). No run of this process has
	// started yet.
	if n, err := conn.Exec(ctx, `UPDATE `+CatalogSchema+`.schedule_runs SET status = 'failed', end_time = now(),
		error_code = '57P02', error_message = 'the server stopped unexpectedly during the run' WHERE status = 'running'`); err != nil {
		return fmt.Errorf("warehouse: scheduler: %w", err)
	} else if n > 0 {
		r.log.Warn("schedule runs interrupted by the last stop marked failed", "runs", n)
	}
	if err := r.reload(ctx); err != nil {
		return err
	}
	var changedMu sync.Mutex
	changed := map[string]bool{}
	changedWake := make(chan struct{}, 1)
	stop := w.ingest.changes.listen(func(names []string) {
		changedMu.Lock()
		for _, n := range names {
			changed[lastPart(n)] = true
		}
		changedMu.Unlock()
		select {
		case changedWake <- struct{}{}:
		default:
		}
	})
	defer stop()
	done := make(chan string)
	var wg sync.WaitGroup
	defer wg.Wait()
	clock := w.clock
	reload := clock.NewTicker(scheduleReloadInterval)
	defer reload.Stop()
	timer := clock.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := clock.Now()
		next := now.Add(time.Hour)
		for _, name := range r.names() {
			d := r.defs[name]
			if d.onChange != "" {
				if d.dirty && !d.paused && !r.running[name] {
					d.dirty = false
					r.running[name] = true
					wg.Add(1)
					go func() {
						defer wg.Done()
						w.runSchedule(ctx, d, now)
						select {
						case done <- d.name:
						case <-ctx.Done():
						}
					}()
				}
				continue
			}
			if d.paused || r.running[name] || d.nextRun.IsZero() {
				continue
			}
			if !d.nextRun.After(now) {
				scheduled := d.nextRun
				r.running[name] = true
				r.advance(ctx, d, now)
				wg.Add(1)
				go func() {
					defer wg.Done()
					w.runSchedule(ctx, d, scheduled)
					select {
					case done <- d.name:
					case <-ctx.Done():
					}
				}()
			}
			if d.nextRun.Before(next) {
				next = d.nextRun
			}
		}
		timer.Reset(next.Sub(clock.Now()))
		select {
		case <-ctx.Done():
			return nil
		case name := <-done:
			delete(r.running, name)
			continue
		case <-changedWake:
			changedMu.Lock()
			for _, d := range r.defs {
				if d.onChange != "" && changed[lastPart(d.onChange)] {
					d.dirty = true
				}
			}
			clear(changed)
			changedMu.Unlock()
			continue
		case <-w.sched.wakeChan():
		case <-reload.Chan():
		case <-timer.Chan():
			continue
		}
		if err := r.reload(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("reload schedules", "err", err)
		}
	}
}

// lastPart is the unqualified part of a published relation name.
func lastPart(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func (r *runner) names() []string {
	names := make([]string, 0, len(r.defs))
	for n := range r.defs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// reload reads the catalog, keeping the timetable of unchanged schedules
// and planning the first run of new or changed ones.
func (r *runner) reload(ctx context.Context) error {
	defs, err := loadSchedules(ctx, r.conn)
	if err != nil {
		return err
	}
	now := r.w.clock.Now()
	for name, d := range defs {
		if old, ok := r.defs[name]; ok && old.same(d) {
			defs[name] = old
			continue
		}
		if d.onChange != "" {
			d.dirty = true // a first run catches up with what came before
			continue
		}
		if d.nextRun.IsZero() && !d.paused {
			first, err := d.following(now, now)
			if err != nil {
				r.log.Warn("schedule", "schedule", name, "err", err)
				continue
			}
			d.nextRun = first
			r.saveNext(ctx, d)
		}
	}
	r.defs = defs
	return nil
}

// following is the run time after one planned for planned, at now: a rate
// keeps its phase and skips periods already past; cron takes its next match.
func (d *scheduleDef) following(planned, now time.Time) (time.Time, error) {
	if d.cron != "" {
		sched, err := parseCron(d.cron)
		if err != nil {
			return time.Time{}, err
		}
		return sched.Next(now.UTC()), nil
	}
	if d.every <= 0 {
		return time.Time{}, fmt.Errorf("schedule %s has no period", d.name)
	}
	next := planned.Add(d.every)
	if !next.After(now) {
		next = now.Add(d.every - now.Sub(planned)%d.every)
	}
	return next, nil
}

// advance plans d's next run after the one starting now.
func (r *runner) advance(ctx context.Context, d *scheduleDef, now time.Time) {
	next, err := d.following(d.nextRun, now)
	if err != nil {
		r.log.Warn("schedule", "schedule", d.name, "err", err)
		d.nextRun = time.Time{}
		return
	}
	d.nextRun = next
	r.saveNext(ctx, d)
}

// saveNext records d's next run time. A failure (a client changing the
// schedule at the same moment) only costs continuity across a restart.
func (r *runner) saveNext(ctx context.Context, d *scheduleDef) {
	if _, err := r.conn.Exec(ctx, `INSERT OR REPLACE INTO `+CatalogSchema+`.schedule_state (name, next_run) VALUES ($1, $2)`,
		d.name, d.nextRun); err != nil && ctx.Err() == nil {
		r.log.Warn("save schedule state", "schedule", d.name, "err", err)
	}
}

// runSchedule executes one run of d and records it in the history.
func (w *Warehouse) runSchedule(ctx context.Context, d *scheduleDef, scheduled time.Time) {
	log := w.log.With("component", "scheduler", "schedule", d.name)
	start := w.clock.Now()
	var runID int64
	w.sched.startMu.Lock()
	err := w.Update(ctx, func(c *Conn) error {
		active, err := scheduleExists(ctx, c, d.name, true)
		if err != nil || !active {
			return err
		}
		res, err := c.Query(ctx, `SELECT nextval('`+CatalogSchema+`.schedule_run_seq')`)
		if err != nil {
			return err
		}
		if res.Next() {
			runID, _ = res.Values()[0].(int64)
		}
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return err
		}
		_, err = c.ExecKept(ctx, `INSERT INTO `+CatalogSchema+`.schedule_runs
			(run_id, schedule_name, scheduled_time, start_time, status) VALUES ($1, $2, $3, $4, 'running')`,
			runID, d.name, scheduled, start)
		return err
	})
	w.sched.startMu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			log.Error("record schedule run start", "err", err)
		}
		return
	}
	if runID == 0 {
		return // paused or dropped since the runner last read the catalog
	}
	rows, runErr := w.execSchedule(ctx, d)
	status := "succeeded"
	var code, msg any
	switch {
	case runErr != nil && ctx.Err() != nil:
		status = "cancelled"
		code, msg = string(sqlerr.QueryCanceled), "the server shut down during the run"
	case runErr != nil:
		status = "failed"
		code, msg = string(sqlerr.CodeOf(runErr)), runErr.Error()
		if e, ok := sqlerr.As(runErr); ok {
			msg = e.Message
		}
	}
	w.metrics.schedule.runs.WithLabelValues(status).Inc()
	w.metrics.schedule.duration.Observe(w.clock.Since(start).Seconds())
	if runErr != nil {
		log.Warn("schedule run", "run", runID, "status", status, "err", runErr)
	} else {
		log.Debug("schedule run", "run", runID, "rows", rows, "took", w.clock.Since(start))
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = w.Update(wctx, func(c *Conn) error {
		if _, err := c.ExecKept(wctx, `UPDATE `+CatalogSchema+`.schedule_runs SET end_time = $2, status = $3,
			error_code = $4, error_message = $5, rows = $6 WHERE run_id = $1`,
			runID, w.clock.Now(), status, code, msg, rows); err != nil {
			return err
		}
		// Prune this schedule's history at each of its runs: run ids are
		// shared by every schedule.
		_, err := c.Exec(wctx, `DELETE FROM `+CatalogSchema+`.schedule_runs WHERE schedule_name = $1 AND run_id <
			(SELECT min(run_id) FROM (SELECT run_id FROM `+CatalogSchema+`.schedule_runs
			 WHERE schedule_name = $1 ORDER BY run_id DESC LIMIT `+fmt.Sprint(scheduleHistoryKeep)+`))`, d.name)
		return err
	})
	if err != nil {
		log.Error("record schedule run end", "run", runID, "err", err)
	}
}

// execSchedule runs d's body in a session of its own and returns the rows
// its statements returned or changed.
func (w *Warehouse) execSchedule(ctx context.Context, d *scheduleDef) (int64, error) {
	s, err := w.NewSession(ctx, d.owner, "")
	if err != nil {
		return 0, err
	}
	defer s.Close()
	// Each run has a session of its own, as a scheduled query has in
	// Redshift; what the last run looked up in the catalog carries over
	// (catalog_cache.go), but for its temporary tables, which were its
	// session's alone.
	s.memo = d.memo.withoutNames(d.memoTemps)
	defer func() { d.memo, d.memoTemps = s.memo, s.tempNames }()
	for _, k := range scheduleSettings {
		if v, ok := d.settings[k]; ok && v != s.settings[k] {
			if err := s.set(ctx, k, v); err != nil {
				return 0, fmt.Errorf("warehouse: schedule %s: setting %s: %w", d.name, k, err)
			}
		}
	}
	var rows int64
	rs := s.Execute(ctx, d.body, nil)
	defer rs.Close()
	for rs.Next() {
		r := rs.Result()
		for r.Next() {
		}
		if err := r.Err(); err != nil {
			return rows, err
		}
		rows += r.RowsAffected()
	}
	return rows, rs.Err()
}
