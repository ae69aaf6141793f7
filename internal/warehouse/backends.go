package warehouse

// Session IDs as Postgres's and Redshift's process IDs: PG_BACKEND_PID()
// is the session's ID (STV_SESSIONS.process, STL_QUERY.pid), and
// PG_CANCEL_BACKEND(pid) cancels the statement that session is running
// (true when the session exists, as Postgres answers whether it could
// signal it; a session with nothing running has nothing to cancel).
// PG_TERMINATE_BACKEND is not provided: a session ends when its client
// disconnects.

import (
	"database/sql"
	"database/sql/driver"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// cancelBackend is rs_cancel_backend(pid).
type cancelBackend struct{ w *Warehouse }

func (cancelBackend) Config() duckdb.ScalarFuncConfig {
	n, _ := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	b, _ := duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{n}, ResultTypeInfo: b, Volatile: true}
}

func (c cancelBackend) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		pid, _ := v[0].(int64)
		if s := c.w.session(uint64(pid)); s != nil {
			s.Cancel()
			return true, nil
		}
		return false, nil
	}}
}

// session returns the open session of ID id, or nil.
func (w *Warehouse) session(id uint64) *Session {
	w.mu.Lock()
	defer w.mu.Unlock()
	for s := range w.mu.sessions {
		if s.id == id {
			return s
		}
	}
	return nil
}

// registerBackends registers rs_cancel_backend on sc.
func (w *Warehouse) registerBackends(sc *sql.Conn) error {
	if err := duckdb.RegisterScalarUDF(sc, "rs_cancel_backend", cancelBackend{w}); err != nil {
		return fmt.Errorf("warehouse: register rs_cancel_backend: %w", err)
	}
	return nil
}
