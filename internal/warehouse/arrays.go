package warehouse

import bsql "github.com/blueshift-dev/blueshift/internal/sql"

// ListFromArray rewrites a Postgres array literal into DuckDB's list
// syntax (see bsql.ListFromArray), for parameters sent as arrays.
func ListFromArray(s string) (string, error) { return bsql.ListFromArray(s) }
