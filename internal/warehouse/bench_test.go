package warehouse

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"path/filepath"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// The DuckDB-direct side of the wire-protocol benchmarks: the same queries
// as internal/pgwire's BenchmarkPgx*, through database/sql and the DuckDB
// driver in process. Run both in one go to read the wire layer's overhead:
//
//	go test -run '^$' -bench 'Direct|Pgx' ./internal/warehouse ./internal/pgwire

// The point-query table and the queries; internal/pgwire/bench_test.go has the same.
const benchPointRows = 100_000

const benchPointSetup = `CREATE TABLE bench_points (id INTEGER PRIMARY KEY, name VARCHAR, amount DECIMAL(12,2));
INSERT INTO bench_points SELECT i, 'name ' || i, i / 100.0 FROM range(100000) t(i)`

const benchPointQuery = `SELECT name, amount FROM bench_points WHERE id = $1`

const benchStreamQuery = `SELECT i, 'row ' || i AS label FROM range(1000000) t(i)`

func openDirect(b *testing.B) *sql.DB {
	b.Helper()
	connector, err := duckdb.NewConnector(filepath.Join(b.TempDir(), "direct.duckdb"), nil)
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(connector)
	b.Cleanup(func() { _ = db.Close() })
	return db
}

func BenchmarkDirectPointQuery(b *testing.B) {
	db := openDirect(b)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, benchPointSetup); err != nil {
		b.Fatal(err)
	}
	stmt, err := db.PrepareContext(ctx, benchPointQuery)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	b.ResetTimer()
	for b.Loop() {
		var name string
		var amount any
		if err := stmt.QueryRowContext(ctx, rand.IntN(benchPointRows)).Scan(&name, &amount); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

func BenchmarkDirectStream1M(b *testing.B) {
	db := openDirect(b)
	ctx := context.Background()
	for b.Loop() {
		rows, err := db.QueryContext(ctx, benchStreamQuery)
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		for rows.Next() {
			var i int64
			var label string
			if err := rows.Scan(&i, &label); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := rows.Err(); err != nil || n != 1_000_000 {
			b.Fatalf("%d rows, %v", n, err)
		}
		_ = rows.Close()
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSessionStream1M streams the same rows through a warehouse
// Session (translation, value normalization), without the wire.
func BenchmarkSessionStream1M(b *testing.B) {
	w, _ := openTest(b)
	s := testSession(b, w)
	ctx := context.Background()
	for b.Loop() {
		rs := s.Execute(ctx, benchStreamQuery, nil)
		if !rs.Next() {
			b.Fatal(rs.Err())
		}
		r := rs.Result()
		var n int64
		for r.Next() {
			n++
		}
		if err := r.Err(); err != nil || n != 1_000_000 {
			b.Fatalf("%d rows, %v", n, err)
		}
		_ = rs.Close()
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "rows/s")
}
