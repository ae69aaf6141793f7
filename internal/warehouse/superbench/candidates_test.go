package superbench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// BenchmarkCandidates measures SUPER's candidate physical forms on DuckDB,
// directly (no blueshift), on three shapes of document and three kinds of
// work, for docs/design/super.md:
//
//   - shapes: the article's change records (~1.1 KB, the demo generator's),
//     small flat records (~100 B), wide documents (~10 KB, 100 attributes);
//   - forms: VARIANT stored unshredded (SUPER today), JSON text read with one
//     json_extract_string(payload, [paths]) call a row (json-shared), JSON
//     text read with one call a path (json-path), and VARIANT cast to JSON
//     text once a row and read as json-shared (variant-as-json-shared);
//   - work: load (text to the form, as a streaming view's parse), extract
//     (every path a view reads, into a table, as the unnest view), query (an
//     ad-hoc group-by over two attributes, as dashboards repeat).
//
// Run: go test -run '^$' -bench Candidates -benchtime 3x ./internal/warehouse/superbench
func BenchmarkCandidates(b *testing.B) {
	for _, sh := range shapes() {
		raw := sh.docs()
		for _, form := range []string{"variant", "variant-as-json-shared", "json-shared", "json-path"} {
			b.Run(fmt.Sprintf("shape=%s/form=%s", sh.name, form), func(b *testing.B) {
				benchCandidate(b, sh, form, raw)
			})
		}
	}
}

// shape is a kind of document and the paths its work reads.
type shape struct {
	name string
	docs func() [][]byte
	// paths the extract step reads (JSONPath), as VARIANT field steps too.
	paths []string
	// group is two paths the ad-hoc query groups by.
	group [2]string
}

func shapes() []shape {
	return []shape{
		{
			name: "article",
			docs: func() [][]byte {
				recs := generate(100_000)
				out := make([][]byte, len(recs))
				for i, r := range recs {
					out[i] = r.Data
				}
				return out
			},
			paths: paths[:8],
			group: [2]string{"$.eventName", "$.dynamodb.NewImage.Provider.S"},
		},
		{
			name: "flat100B",
			docs: func() [][]byte {
				out := make([][]byte, 200_000)
				for i := range out {
					out[i] = fmt.Appendf(nil, `{"id":%d,"name":"user-%05d","city":"city-%d","score":%d.%d,"ok":%t,"ts":"2026-01-01T00:00:%02dZ"}`,
						i, i%50000, i%17, i%1000, i%10, i%3 == 0, i%60)
				}
				return out
			},
			paths: []string{"$.id", "$.name", "$.city", "$.score", "$.ok", "$.ts"},
			group: [2]string{"$.city", "$.ok"},
		},
		{
			name: "wide10KB",
			docs: func() [][]byte {
				out := make([][]byte, 20_000)
				for i := range out {
					var sb strings.Builder
					sb.WriteString(`{"id":` + fmt.Sprint(i))
					for k := range 100 {
						fmt.Fprintf(&sb, `,"attr%03d":{"S":"value %d of attribute %d, padded to about a hundred bytes ........"}`, k, i%(k+3), k)
					}
					sb.WriteString(`}`)
					out[i] = []byte(sb.String())
				}
				return out
			},
			paths: []string{"$.id", "$.attr000.S", "$.attr050.S", "$.attr099.S"},
			group: [2]string{"$.attr001.S", "$.attr098.S"},
		},
	}
}

// variantPath is a JSONPath as DuckDB's VARIANT field access on payload.
func variantPath(p string) string {
	steps := strings.Split(strings.TrimPrefix(p, "$."), ".")
	for i, s := range steps {
		steps[i] = `"` + s + `"`
	}
	return "payload." + strings.Join(steps, ".")
}

// reads returns the select list that reads every path as text, in form.
func reads(form string, ps []string) string {
	var cols []string
	switch form {
	case "variant":
		for i, p := range ps {
			cols = append(cols, fmt.Sprintf("TRY_CAST(%s AS VARCHAR) AS c%d", variantPath(p), i))
		}
	case "json-shared", "variant-as-json-shared":
		for i := range ps {
			cols = append(cols, fmt.Sprintf("v[%d] AS c%d", i+1, i))
		}
	case "json-path":
		for i, p := range ps {
			cols = append(cols, fmt.Sprintf("json_extract_string(payload, '%s') AS c%d", p, i))
		}
	}
	return strings.Join(cols, ", ")
}

// from is the relation reads selects from, in form.
func from(form string, ps []string) string {
	switch form {
	case "json-shared":
		return "(SELECT json_extract_string(payload, ['" + strings.Join(ps, "', '") + "']) AS v FROM docs)"
	case "variant-as-json-shared":
		return "(SELECT json_extract_string(CAST(payload AS JSON), ['" + strings.Join(ps, "', '") + "']) AS v FROM docs)"
	}
	return "docs"
}

func benchCandidate(b *testing.B, sh shape, form string, raw [][]byte) {
	ctx := context.Background()
	connector, err := duckdb.NewConnector(filepath.Join(b.TempDir(), "c.duckdb")+"?storage_compatibility_version=v1.5.0&variant_minimum_shredding_size=-1", nil)
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	exec := func(s string) {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			b.Fatalf("%.80s: %v", s, err)
		}
	}
	exec(`CREATE TABLE raw (data BLOB)`)
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "raw")
		if err != nil {
			return err
		}
		for _, d := range raw {
			if err := app.AppendRow(d); err != nil {
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
	typ, parse := "JSON", "CAST(decode(data) AS JSON)"
	if strings.HasPrefix(form, "variant") {
		typ, parse = "VARIANT", "CAST(CAST(decode(data) AS JSON) AS VARIANT)"
	}
	exec(`CHECKPOINT`)
	var load, extract, query float64
	for i := 0; i < b.N; i++ {
		exec(`DROP TABLE IF EXISTS docs`)
		exec(`DROP TABLE IF EXISTS out`)
		exec(`CREATE TABLE docs (payload ` + typ + `)`)
		load += timedSQL(b, conn, `INSERT INTO docs SELECT `+parse+` FROM raw`)
		extract += timedSQL(b, conn, `CREATE TABLE out AS SELECT `+reads(form, sh.paths)+` FROM `+from(form, sh.paths))
		g := sh.group[:]
		for range 5 {
			query += timedSQL(b, conn, `SELECT c0, c1, count(*) FROM (SELECT `+reads(form, g)+` FROM `+from(form, g)+`) GROUP BY ALL`) / 5
		}
	}
	n := float64(b.N)
	b.ReportMetric(load/n*1000, "load-ms")
	b.ReportMetric(extract/n*1000, "extract-ms")
	b.ReportMetric(query/n*1000, "query-ms")
}

// timedSQL runs s, reading every row, and returns the seconds it took.
func timedSQL(b *testing.B, conn *sql.Conn, s string) float64 {
	ctx := context.Background()
	return timed(b, s, func() error {
		rows, err := conn.QueryContext(ctx, s)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return rows.Close()
	}).Seconds()
}
