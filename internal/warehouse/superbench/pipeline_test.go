package superbench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	flagRecords = flag.Int("records", 50_000, "change records put into the stream")
	flagShards  = flag.Int("shards", 1, "shards of blueshift's stream")
	flagForms   = flag.String("forms", "json-shared,json-shared-zstd,json-path,variant", "forms of the hand-written DuckDB pipeline, comma-separated")
	flagPG      = flag.Bool("pg", true, "run the PostgreSQL pipeline when PostgreSQL is installed")
)

// stage names, in the order they run after the puts.
var stages = []string{"streaming view (parse)", "unnest view", "the procedure's merge"}

// input is one change record as every system receives it.
type input struct {
	arrival      time.Time
	partitionKey string
	shardID      string
	sequence     string
	data         []byte
}

// result is one system's run: its stage times and its fact table, one
// tab-separated line a row, sorted.
type result struct {
	name  string
	times []time.Duration
	facts []string
	// appended is how long handing the records to the system took before
	// its timed stages: DuckDB's Appender for the hand-written forms (the
	// streaming view's REFRESH reads and stages the records itself, so
	// blueshift's is 0; PostgreSQL's COPY is not timed).
	appended time.Duration
}

func (r result) total() time.Duration {
	var t time.Duration
	for _, d := range r.times {
		t += d
	}
	return t
}

// generate returns n change records of the demo's generator, stamped by a
// clock that advances a millisecond a record (deterministic).
func generate(n int) []changeRecord {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := newGenerator(13, func() time.Time { t0 = t0.Add(time.Millisecond); return t0 })
	out := make([]changeRecord, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

// BenchmarkPipeline runs the reference pipeline in every system once per
// iteration and prints the stages, the ratios and whether the fact tables
// agree (the benchmark fails when they do not).
func BenchmarkPipeline(b *testing.B) {
	ctx := context.Background()
	recs := generate(*flagRecords)
	var bytes int
	events := map[string]int{}
	for _, r := range recs {
		bytes += len(r.Data)
		events[r.Event]++
	}
	fmt.Fprintf(os.Stdout, "\n%d change records, %.0f bytes on average (INSERT %d, MODIFY %d, REMOVE %d), %d shard(s)\n",
		len(recs), float64(bytes)/float64(len(recs)), events["INSERT"], events["MODIFY"], events["REMOVE"], *flagShards)
	for i := 0; i < b.N; i++ {
		var results []result
		bs, inputs := runBlueshift(ctx, b, recs)
		results = append(results, bs)
		for _, form := range strings.Split(*flagForms, ",") {
			if form = strings.TrimSpace(form); form == "" {
				continue
			}
			results = append(results, runDuckDB(ctx, b, form, inputs))
		}
		if *flagPG {
			if r, ok := runPostgres(ctx, b, inputs); ok {
				results = append(results, r)
			}
		}
		report(results)
		for _, r := range results[1:] {
			if !slices.Equal(r.facts, bs.facts) {
				b.Errorf("fact table of %s differs from blueshift's: %s", r.name, firstDiff(bs.facts, r.facts))
			}
		}
		if len(bs.facts) == 0 {
			b.Errorf("blueshift's fact table is empty")
		}
	}
}

// report prints one column a system, then each system's total as a
// multiple of blueshift's.
func report(results []result) {
	w := os.Stdout
	fmt.Fprintf(w, "\n%-24s", "stage (seconds)")
	for _, r := range results {
		fmt.Fprintf(w, " | %18s", r.name)
	}
	fmt.Fprintln(w)
	for i, st := range stages {
		fmt.Fprintf(w, "%-24s", st)
		for _, r := range results {
			fmt.Fprintf(w, " | %18.2f", r.times[i].Seconds())
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-24s", "total after the puts")
	for _, r := range results {
		fmt.Fprintf(w, " | %18.2f", r.total().Seconds())
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-24s", "blueshift / this")
	for _, r := range results {
		fmt.Fprintf(w, " | %17.2fx", results[0].total().Seconds()/r.total().Seconds())
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-24s", "parse: this / blueshift")
	for _, r := range results {
		fmt.Fprintf(w, " | %17.2fx", r.times[0].Seconds()/results[0].times[0].Seconds())
	}
	fmt.Fprintln(w)
	// The streaming view's parse reads the records from the stream and
	// stages them; a hand-written DuckDB load starts from records already
	// appended. With the append counted, both start from the same place.
	fmt.Fprintf(w, "%-24s", "parse with the append")
	for _, r := range results {
		fmt.Fprintf(w, " | %18.2f", (r.appended + r.times[0]).Seconds())
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-24s", "  this / blueshift")
	for _, r := range results {
		fmt.Fprintf(w, " | %17.2fx", (r.appended+r.times[0]).Seconds()/(results[0].appended+results[0].times[0]).Seconds())
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "fact rows: %d", len(results[0].facts))
	for _, r := range results[1:] {
		same := "same"
		if !slices.Equal(r.facts, results[0].facts) {
			same = "DIFFERENT"
		}
		fmt.Fprintf(w, "; %s %s", r.name, same)
	}
	fmt.Fprintln(w)
}

func firstDiff(a, b []string) string {
	for i := 0; i < min(len(a), len(b)); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d: %q vs %q", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("%d rows vs %d", len(a), len(b))
}

// factsQuery reads the fact table as text, in every system's SQL.
const factsQuery = `SELECT transaction_id, customer_id, CAST(outofpocket_percent AS VARCHAR), CAST(outofpock_amount AS VARCHAR),
	CAST(outofpocket_max AS VARCHAR), provider, CAST(completion_datetime AS VARCHAR) FROM customer_transaction_fact`

// line joins a row's text, NULL as \N.
func line(cols []*string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		if c == nil {
			parts[i] = `\N`
		} else {
			parts[i] = *c
		}
	}
	return strings.Join(parts, "\t")
}

// timed runs f and returns how long it took.
func timed(b *testing.B, what string, f func() error) time.Duration {
	b.Helper()
	start := time.Now()
	if err := f(); err != nil {
		b.Fatalf("%s: %v", what, err)
	}
	return time.Since(start)
}
