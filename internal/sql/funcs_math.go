package sql

import "github.com/blueshift-dev/blueshift/internal/sql/ast"

// Redshift's names for functions DuckDB has under others (SQL reference,
// each function's page): REPLICATE is REPEAT, DEXP is EXP, DLOG1 is LN,
// DLOG10 is LOG10; CRC32 is the warehouse's rs_crc32 (CRC-32C, as 8 hex
// digits); CBRT is the warehouse's rs_cbrt, the exact cube root (DuckDB's
// gives 3.0000000000000004 for 27).
func init() {
	for name, h := range map[string]funcRewrite{
		"replicate": rename("repeat"),
		"dexp":      rename("exp"),
		"dlog1":     rename("ln"),
		"dlog10":    rename("log10"),
		"crc32":     rwCRC32,
		"cbrt":      rename("rs_cbrt"),
	} {
		funcRewrites[name] = h
	}
}

// rwCRC32: CRC32(x) reads x as text, as Redshift's implicit conversions do.
func rwCRC32(rw *rewriter, f *ast.Func) (ast.Expr, error) {
	if err := rw.nargs(f, 1, 1); err != nil {
		return nil, err
	}
	return fn("rs_crc32", cast(f.Args[0], "varchar")), nil
}
