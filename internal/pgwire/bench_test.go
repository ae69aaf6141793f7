package pgwire_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// The same table and queries as internal/warehouse/bench_test.go.
const (
	benchPointRows  = 100_000
	benchPointSetup = `CREATE TABLE bench_points (id INTEGER PRIMARY KEY, name VARCHAR, amount DECIMAL(12,2));
INSERT INTO bench_points SELECT i, 'name ' || i, i / 100.0 FROM range(100000) t(i)`
	benchPointQuery  = `SELECT name, amount FROM bench_points WHERE id = $1`
	benchStreamQuery = `SELECT i, 'row ' || i AS label FROM range(1000000) t(i)`
)

// The wire side of the overhead benchmarks: the queries of the warehouse
// package's BenchmarkDirect*, through pgx against the built binary. Run both:
//
//	go test -run '^$' -bench 'Direct|Pgx' ./internal/warehouse ./internal/pgwire

func benchConn(b *testing.B) *pgx.Conn {
	b.Helper()
	s := testserver.Start(b)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, connString(s, "bench"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close(ctx) })
	return c
}

func BenchmarkPgxPointQuery(b *testing.B) {
	c := benchConn(b)
	ctx := context.Background()
	if _, err := c.PgConn().Exec(ctx, benchPointSetup).ReadAll(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		var name string
		var amount float64
		if err := c.QueryRow(ctx, benchPointQuery, rand.IntN(benchPointRows)).Scan(&name, &amount); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

func BenchmarkPgxStream1M(b *testing.B) {
	c := benchConn(b)
	ctx := context.Background()
	for b.Loop() {
		rows, err := c.Query(ctx, benchStreamQuery)
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
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "rows/s")
}
