package warehouse

// TRUNC(timestamp) is Redshift's TRUNC date function: the timestamp's date
// (SQL reference, "TRUNC function" under date and time functions). The SQL
// front end casts a visibly date or timestamp argument to DATE itself;
// these overloads, added to DuckDB's numeric trunc, give the date of any
// other timestamp or date (a CTE's or a subquery's column, an expression),
// whose type only DuckDB knows. A TIMESTAMPTZ's date is its UTC date.

import (
	"database/sql/driver"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// truncDate is one overload of trunc: an argument type, DATE out.
type truncDate struct{ in duckdb.Type }

func (t truncDate) Config() duckdb.ScalarFuncConfig {
	in, _ := duckdb.NewTypeInfo(t.in)
	d, _ := duckdb.NewTypeInfo(duckdb.TYPE_DATE)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{in}, ResultTypeInfo: d}
}

func (truncDate) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		t, ok := v[0].(time.Time)
		if !ok {
			return nil, fmt.Errorf("trunc: unexpected %T", v[0])
		}
		t = t.UTC()
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}}
}

// truncDateFuncs are the overloads.
func truncDateFuncs() []duckdb.ScalarFunc {
	return []duckdb.ScalarFunc{truncDate{duckdb.TYPE_TIMESTAMP}, truncDate{duckdb.TYPE_TIMESTAMP_TZ}, truncDate{duckdb.TYPE_DATE}}
}
