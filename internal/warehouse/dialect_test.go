package warehouse

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// dialectRun runs a script on s and renders each statement's rows (values
// joined by " | ", NULL for nil) and, for statements without rows, nothing;
// an error ends the output with its SQLSTATE.
func dialectRun(ctx context.Context, s *Session, script string) string {
	return dialectRunCols(ctx, s, script, false)
}

// dialectRunCols is dialectRun, printing each result's column names first
// (as "columns: a | b") when columns is set.
func dialectRunCols(ctx context.Context, s *Session, script string, columns bool) string {
	var out strings.Builder
	rs := s.Execute(ctx, script, nil)
	defer rs.Close()
	for rs.Next() {
		r := rs.Result()
		var rows []string
		for r.Next() {
			var vals []string
			for _, v := range r.Values() {
				vals = append(vals, dialectValue(v))
			}
			rows = append(rows, strings.Join(vals, " | "))
		}
		if err := r.Err(); err != nil {
			fmt.Fprintf(&out, "error %s: %v\n", sqlerr.CodeOf(err), err)
			return out.String()
		}
		if r.Columns == nil {
			continue
		}
		if columns {
			names := make([]string, len(r.Columns))
			for i, c := range r.Columns {
				names[i] = c.Name
			}
			out.WriteString("columns: " + strings.Join(names, " | ") + "\n")
		}
		for _, row := range rows {
			out.WriteString(row + "\n")
		}
	}
	if err := rs.Err(); err != nil {
		fmt.Fprintf(&out, "error %s: %v\n", sqlerr.CodeOf(err), err)
	}
	return out.String()
}

func dialectValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return v.UTC().Format("2006-01-02 15:04:05.999999")
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

// TestDialect runs testdata/dialect: Redshift SQL through a session on a
// real warehouse (so through the SQL front end's translation and DuckDB),
// with the result rows expected from Redshift's documented behaviour.
// Each file gets a fresh warehouse. Commands:
//
//	run [columns]        run the script, print the rows (and each result's column names)
//	record name=<file>   define $RECORD as the file's JSON (one line), for json_parse('$RECORD')
func TestDialect(t *testing.T) {
	datadriven.Walk(t, "testdata/dialect", func(t *testing.T, path string) {
		ctx := context.Background()
		w, err := Open(ctx, t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		s, err := w.NewSession(ctx, "dev", "dev")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		vars := map[string]string{}
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "record":
				var name, file string
				d.ScanArgs(t, "name", &name)
				d.ScanArgs(t, "file", &file)
				vars[name] = loadRecord(t, file)
				return ""
			case "run":
				script := d.Input
				names := make([]string, 0, len(vars))
				for k := range vars {
					names = append(names, k)
				}
				// Longest first, so $RECORD does not eat the start of $RECORDSTR.
				sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
				for _, k := range names {
					script = strings.ReplaceAll(script, "$"+k, strings.ReplaceAll(vars[k], "'", "''"))
				}
				return dialectRunCols(ctx, s, script, d.HasArg("columns"))
			}
			t.Fatalf("%s: unknown command %s", d.Pos, d.Cmd)
			return ""
		})
	})
}

// numbersAsStrings rewrites DynamoDB number attributes ("N": 50.00) the way
// a real change record writes them ("N": "50.00").
var numbersAsStrings = regexp.MustCompile(`("N"\s*:\s*)(-?[0-9][0-9.eE+-]*)`)

// loadRecord reads a JSON record file (relative to the repository's shared
// seed for "seed:" names), compacts it to one line, and for names ending in
// "+strings" writes its DynamoDB numbers as strings.
func loadRecord(t *testing.T, file string) string {
	asStrings := strings.HasSuffix(file, "+strings")
	file = strings.TrimSuffix(file, "+strings")
	if rest, ok := strings.CutPrefix(file, "seed:"); ok {
		file = "../demo/" + rest
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("record %s: %v", file, err)
	}
	text := string(b)
	if asStrings {
		text = numbersAsStrings.ReplaceAllString(text, `$1"$2"`)
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	// Keep numbers as written (50.00 stays 50.00): compact without re-encoding.
	var buf strings.Builder
	if err := compactJSON(&buf, text); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func compactJSON(b *strings.Builder, text string) error {
	var out = new(strings.Builder)
	inString, escaped := false, false
	for _, c := range text {
		switch {
		case inString:
			out.WriteRune(c)
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			out.WriteRune(c)
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
		default:
			out.WriteRune(c)
		}
	}
	b.WriteString(out.String())
	return nil
}

// unnestBenchSetup builds a table of n generated change records shaped like
// the reference scenario's (0, 1 or 2 dependents; numbers as strings).
func unnestBenchSetup(b *testing.B, n int) (*Warehouse, *Session) {
	ctx := context.Background()
	w, err := Open(ctx, b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	s, err := w.NewSession(ctx, "dev", "dev")
	if err != nil {
		b.Fatal(err)
	}
	dep := func(id string) string {
		return `{"M":{"sk":{"S":"CUSTOMER#2022-07-08T23:59:59Z#` + id + `"},"pk":{"S":"CUSTOMER#CUST_123"}}}`
	}
	setup := fmt.Sprintf(`CREATE TEMP TABLE demo_stream_vw AS
SELECT TIMESTAMP '2022-07-09 00:00:00' + to_microseconds(i) AS approximate_arrival_timestamp,
  json_parse('{"eventName":"' || CASE WHEN i %% 10 = 0 THEN 'MODIFY' ELSE 'INSERT' END ||
  '","dynamodb":{"Keys":{"pk":{"S":"CUSTOMER#CUST_' || (i %% 1000) || '"},"sk":{"S":"TRANSACTION#2022-07-08T23:59:59Z#CUST_' || i ||
  '"}},"NewImage":{"completionDateTime":{"S":"2022-07-08T23:59:59Z"},"OutofPockPercent":{"N":"50.00"},' ||
  '"calculationRequirements":{"M":{"dependentIds":{"L":[' ||
  CASE i %% 3 WHEN 0 THEN '' WHEN 1 THEN '%s' ELSE '%s,%s' END ||
  ']}}},"Provider":{"S":"PV-' || i || '"},"OutofPockAmount":{"N":"1000"},"OutofPockMax":{"N":"2000"},' ||
  '"lastCalculationDateTime":{"S":"2022-07-08T00:00:00Z"},"pk":{"S":"CUSTOMER#CUST_123"}},"SizeBytes":694},"eventSource":"aws:dynamodb"}') AS payload
FROM range(%d) AS r(i)`, dep("CUST_567"), dep("CUST_567"), dep("CUST_890"), n)
	if out := dialectRun(ctx, s, setup); strings.Contains(out, "error") {
		b.Fatal(out)
	}
	return w, s
}

// referenceUnnest is the reference scenario's unnest query, verbatim.
const referenceUnnest = `select 
substring(a."payload"."dynamodb"."Keys"."pk"."S"::varchar, position('#' in "payload"."dynamodb"."Keys"."pk"."S"::varchar)+1) as Customer_ID,
substring(a."payload"."dynamodb"."Keys"."sk"."S"::varchar, position('#TRANSACTION' in "payload"."dynamodb"."Keys"."sk"."S"::varchar)+1) as Transaction_ID,
substring(b."M"."sk"."S"::varchar, position('#CUSTOMER' in b."M"."sk"."S"::varchar)+1) Dependent_ID,
a."payload"."dynamodb"."NewImage"."OutofPockMax"."N"::int as OutofPocket_Max,
a."payload"."dynamodb"."NewImage"."OutofPockPercent"."N"::decimal(5,2) as OutofPocket_Percent,
a."payload"."dynamodb"."NewImage"."OutofPockAmount"."N"::int as OutofPock_Amount,
a."payload"."dynamodb"."NewImage"."Provider"."S"::varchar as Provider,
a."payload"."dynamodb"."NewImage"."completionDateTime"."S"::timestamptz as Completion_DateTime,
a."payload"."eventName"::varchar Event_Name,
a.approximate_arrival_timestamp
from demo_stream_vw a
left outer join a."payload"."dynamodb"."NewImage"."calculationRequirements"."M"."dependentIds"."L" b on true`

// handWrittenUnnest is the same query written by hand in DuckDB's fast form:
// a select-list unnest over ::JSON::JSON[], with NULL kept for empty arrays.
const handWrittenUnnest = `SELECT
substring(a.payload.dynamodb.Keys.pk.S::VARCHAR, position('#' IN a.payload.dynamodb.Keys.pk.S::VARCHAR) + 1) AS customer_id,
substring(a.payload.dynamodb.Keys.sk.S::VARCHAR, position('#TRANSACTION' IN a.payload.dynamodb.Keys.sk.S::VARCHAR) + 1) AS transaction_id,
substring(json_extract_string(b, '$.M.sk.S'), position('#CUSTOMER' IN json_extract_string(b, '$.M.sk.S')) + 1) AS dependent_id,
TRY_CAST(a.payload.dynamodb.NewImage.OutofPockMax.N AS INTEGER) AS outofpocket_max,
TRY_CAST(a.payload.dynamodb.NewImage.OutofPockPercent.N AS DECIMAL(5, 2)) AS outofpocket_percent,
TRY_CAST(a.payload.dynamodb.NewImage.OutofPockAmount.N AS INTEGER) AS outofpock_amount,
a.payload.dynamodb.NewImage.Provider.S::VARCHAR AS provider,
TRY_CAST(a.payload.dynamodb.NewImage.completionDateTime.S AS TIMESTAMPTZ) AS completion_datetime,
a.payload.eventName::VARCHAR AS event_name,
a.approximate_arrival_timestamp
FROM (SELECT *, unnest(coalesce(nullif(TRY_CAST(payload.dynamodb.NewImage.calculationRequirements.M.dependentIds.L::JSON AS JSON[]), []), [NULL])) AS b
      FROM demo_stream_vw) AS a`

// BenchmarkReferenceUnnest compares the translated reference unnest query
// with the hand-written fast DuckDB form, on 200k generated change records.
// Each iteration materialises both results (CREATE OR REPLACE TEMP TABLE ...
// AS), alternating which goes first, so load from other processes falls on
// both alike; it reports each one's seconds per run and their ratio. Set
// BLUESHIFT_BENCH_RECORDS to change the count.
func BenchmarkReferenceUnnest(b *testing.B) {
	n := 200_000
	if v := os.Getenv("BLUESHIFT_BENCH_RECORDS"); v != "" {
		fmt.Sscan(v, &n)
	}
	w, s := unnestBenchSetup(b, n)
	defer w.Close()
	defer s.Close()
	ctx := context.Background()
	tr, err := bsql.Translate(referenceUnnest, bsql.Options{CaseSensitive: true})
	if err != nil {
		b.Fatal(err)
	}
	queries := [2]string{tr.SQL, handWrittenUnnest}
	var spent [2]time.Duration
	var rows [2]int64
	run := func(k int) {
		start := time.Now()
		if _, err := s.Conn().Exec(ctx, "CREATE OR REPLACE TEMP TABLE bench_out AS "+queries[k]); err != nil {
			b.Fatal(err)
		}
		spent[k] += time.Since(start)
		res, err := s.Conn().Query(ctx, "SELECT count(*) FROM bench_out")
		if err != nil {
			b.Fatal(err)
		}
		for res.Next() {
			rows[k], _ = res.Values()[0].(int64)
		}
		res.Close()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		first := i % 2
		run(first)
		run(1 - first)
	}
	b.StopTimer()
	if rows[0] != rows[1] {
		b.Fatalf("translated query gave %d rows, hand-written %d", rows[0], rows[1])
	}
	b.ReportMetric(spent[0].Seconds()/float64(b.N), "translated-s/op")
	b.ReportMetric(spent[1].Seconds()/float64(b.N), "handwritten-s/op")
	b.ReportMetric(spent[0].Seconds()/spent[1].Seconds(), "ratio")
	b.ReportMetric(float64(rows[0]), "rows")
}
