package warehouse

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/datadriven"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// TestDuckDBErrorsGolden runs testdata/duckdb_errors: DuckDB SQL run on a
// raw connection (no translation), and the error as classify reports it:
// DuckDB's error kind, the SQLSTATE and the message. The classification
// reads DuckDB's message text (errors.go), so this table is what a DuckDB
// upgrade must be checked against: regenerate with go test -rewrite and
// review the diff. The SQLSTATEs are Postgres's for the same failures
// (Postgres manual, Appendix A).
func TestDuckDBErrorsGolden(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	c, err := w.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	datadriven.RunTest(t, "testdata/duckdb_errors", func(t *testing.T, d *datadriven.TestData) string {
		switch d.Cmd {
		case "setup":
			if _, err := c.Exec(ctx, d.Input); err != nil {
				t.Fatalf("%s: %v", d.Pos, err)
			}
			return ""
		case "error":
			_, err := c.Exec(ctx, d.Input)
			if err == nil {
				return "no error\n"
			}
			kind := "?"
			if de, ok := asDuckError(err); ok {
				kind = duckErrorTypeName(de.Type)
			}
			e, _ := sqlerr.As(err)
			return fmt.Sprintf("%s %s %s\n", kind, e.Code, e.Message)
		}
		t.Fatalf("%s: unknown command %s", d.Pos, d.Cmd)
		return ""
	})
}

func asDuckError(err error) (*duckdb.Error, bool) {
	var de *duckdb.Error
	ok := errors.As(err, &de)
	return de, ok
}

// duckErrorTypeName names DuckDB's error kinds the way its messages do.
func duckErrorTypeName(t duckdb.ErrorType) string {
	names := map[duckdb.ErrorType]string{
		duckdb.ErrorTypeParser: "Parser", duckdb.ErrorTypeSyntax: "Syntax", duckdb.ErrorTypeCatalog: "Catalog",
		duckdb.ErrorTypeBinder: "Binder", duckdb.ErrorTypeConversion: "Conversion", duckdb.ErrorTypeOutOfRange: "OutOfRange",
		duckdb.ErrorTypeDecimal: "Decimal", duckdb.ErrorTypeDivideByZero: "DivideByZero", duckdb.ErrorTypeConstraint: "Constraint",
		duckdb.ErrorTypeTransaction: "Transaction", duckdb.ErrorTypeInvalidInput: "InvalidInput",
		duckdb.ErrorTypeNotImplemented: "NotImplemented", duckdb.ErrorTypeDependency: "Dependency",
		duckdb.ErrorTypeMismatchType: "MismatchType", duckdb.ErrorTypeInvalidType: "InvalidType",
		duckdb.ErrorTypeSequence: "Sequence", duckdb.ErrorTypeParameterNotResolved: "ParameterNotResolved",
		duckdb.ErrorTypeSettings: "Settings", duckdb.ErrorTypeInterrupt: "Interrupt",
	}
	if n, ok := names[t]; ok {
		return n
	}
	return fmt.Sprintf("ErrorType(%d)", t)
}

// TestDuckDBVersion: the DuckDB the driver embeds is the version the code
// states (duckdbVersion, which version() reports and the error table above
// was recorded with). An upgrade fails here first: update duckdbVersion,
// then regenerate testdata/duckdb_errors and review what changed.
func TestDuckDBVersion(t *testing.T) {
	ctx := context.Background()
	w, _ := openTest(t)
	c, err := w.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Query(ctx, "SELECT library_version FROM pragma_version()")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if !res.Next() {
		t.Fatal(res.Err())
	}
	if got := res.Values()[0]; got != "v"+duckdbVersion {
		t.Errorf("embedded DuckDB is %v, the code states %s", got, duckdbVersion)
	}
}
