package superbench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// The hand-written DuckDB pipeline: the raw records in a table as the
// stream gives them (VARBYTE data), the streaming view's parse as an
// INSERT ... SELECT, the unnest view likewise, and the procedure's
// statements in one transaction. Forms differ in how the payload is kept
// and read:
//
//   - json-shared: JSON text; every path a row reads in one
//     json_extract_string(payload, [paths]) call, the dependents' array among
//     them, unnested in the select list.
//   - json-shared-zstd: json-shared, the payload column compressed with
//     ZSTD, which DuckDB writes in half the time of its own choice for
//     these records, as blueshift's streaming views store it (the
//     engine's limit for a bulk load, see docs/design/super.md).
//   - json-path: JSON text, one json_extract_string call a path.
//   - variant: VARIANT (SUPER's form in blueshift today), read with field
//     access, unnested as blueshift's translation does.

// paths are the article's paths into the payload, in the order json-shared
// reads them.
var paths = []string{
	"$.dynamodb.Keys.pk.S",
	"$.dynamodb.Keys.sk.S",
	"$.dynamodb.NewImage.OutofPockMax.N",
	"$.dynamodb.NewImage.OutofPockPercent.N",
	"$.dynamodb.NewImage.OutofPockAmount.N",
	"$.dynamodb.NewImage.Provider.S",
	"$.dynamodb.NewImage.completionDateTime.S",
	"$.eventName",
	"$.dynamodb.NewImage.calculationRequirements.M.dependentIds.L",
}

type duckForm struct {
	payloadType string
	parse       string // the payload from kinesis_data
	unnest      string // INSERT INTO mv_demo_super_unnest ...
}

var duckForms = func() map[string]duckForm {
	forms := map[string]duckForm{
		"json-shared": {
			payloadType: "JSON",
			parse:       `CAST(decode(kinesis_data) AS JSON)`,
			unnest: `INSERT INTO mv_demo_super_unnest
SELECT substring(v[1], position('#' IN v[1]) + 1),
	substring(v[2], position('#TRANSACTION' IN v[2]) + 1),
	substring(b ->> '$.M.sk.S', position('#CUSTOMER' IN (b ->> '$.M.sk.S')) + 1),
	TRY_CAST(v[3] AS INTEGER), TRY_CAST(v[4] AS DECIMAL(5,2)), TRY_CAST(v[5] AS INTEGER),
	v[6], TRY_CAST(v[7] AS TIMESTAMPTZ), v[8], approximate_arrival_timestamp
FROM (SELECT approximate_arrival_timestamp, v, unnest(coalesce(nullif(TRY_CAST(v[9] AS JSON[]), []), [NULL])) AS b
	FROM (SELECT approximate_arrival_timestamp, json_extract_string(payload, ['` + strings.Join(paths, `', '`) + `']) AS v FROM demo_stream_vw))`,
		},
		"json-path": {
			payloadType: "JSON",
			parse:       `CAST(decode(kinesis_data) AS JSON)`,
			unnest: `INSERT INTO mv_demo_super_unnest
SELECT substring(payload ->> '$.dynamodb.Keys.pk.S', position('#' IN (payload ->> '$.dynamodb.Keys.pk.S')) + 1),
	substring(payload ->> '$.dynamodb.Keys.sk.S', position('#TRANSACTION' IN (payload ->> '$.dynamodb.Keys.sk.S')) + 1),
	substring(b ->> '$.M.sk.S', position('#CUSTOMER' IN (b ->> '$.M.sk.S')) + 1),
	TRY_CAST(payload ->> '$.dynamodb.NewImage.OutofPockMax.N' AS INTEGER),
	TRY_CAST(payload ->> '$.dynamodb.NewImage.OutofPockPercent.N' AS DECIMAL(5,2)),
	TRY_CAST(payload ->> '$.dynamodb.NewImage.OutofPockAmount.N' AS INTEGER),
	payload ->> '$.dynamodb.NewImage.Provider.S',
	TRY_CAST(payload ->> '$.dynamodb.NewImage.completionDateTime.S' AS TIMESTAMPTZ),
	payload ->> '$.eventName', approximate_arrival_timestamp
FROM (SELECT *, unnest(coalesce(nullif(TRY_CAST(payload -> '$.dynamodb.NewImage.calculationRequirements.M.dependentIds.L' AS JSON[]), []), [NULL])) AS b
	FROM demo_stream_vw)`,
		},
		"variant": {
			payloadType: "VARIANT",
			parse:       `CAST(CAST(decode(kinesis_data) AS JSON) AS VARIANT)`,
			unnest: `INSERT INTO mv_demo_super_unnest
SELECT substring(TRY_CAST(payload.dynamodb.Keys.pk.S AS VARCHAR), position('#' IN TRY_CAST(payload.dynamodb.Keys.pk.S AS VARCHAR)) + 1),
	substring(TRY_CAST(payload.dynamodb.Keys.sk.S AS VARCHAR), position('#TRANSACTION' IN TRY_CAST(payload.dynamodb.Keys.sk.S AS VARCHAR)) + 1),
	substring(TRY_CAST(b.M.sk.S AS VARCHAR), position('#CUSTOMER' IN TRY_CAST(b.M.sk.S AS VARCHAR)) + 1),
	TRY_CAST(payload.dynamodb.NewImage.OutofPockMax.N AS INTEGER),
	TRY_CAST(payload.dynamodb.NewImage.OutofPockPercent.N AS DECIMAL(5,2)),
	TRY_CAST(payload.dynamodb.NewImage.OutofPockAmount.N AS INTEGER),
	TRY_CAST(payload.dynamodb.NewImage.Provider.S AS VARCHAR),
	TRY_CAST(payload.dynamodb.NewImage.completionDateTime.S AS TIMESTAMPTZ),
	TRY_CAST(payload.eventName AS VARCHAR), approximate_arrival_timestamp
FROM (SELECT *, CAST(unnest(coalesce(nullif(TRY_CAST(TRY_CAST(payload.dynamodb.NewImage.calculationRequirements.M.dependentIds.L AS JSON) AS JSON[]), []), [NULL])) AS VARIANT) AS b
	FROM demo_stream_vw)`,
		},
	}
	z := forms["json-shared"]
	z.payloadType = "JSON USING COMPRESSION zstd"
	forms["json-shared-zstd"] = z
	return forms
}()

// duckProcedure is the article's procedure without its REFRESH (the view
// was just refreshed) and its SET, in one transaction.
var duckProcedure = []string{
	`BEGIN`,
	`UPDATE metadata_etl SET status = 'Running', startdate = now() WHERE jobname = 'Customer_Transaction_Fact_Load'`,
	`DROP TABLE IF EXISTS customer_transaction_fact_stg`,
	`CREATE TABLE customer_transaction_fact_stg AS ` + stagingQuery,
	`DELETE FROM customer_transaction_fact WHERE transaction_id IN (SELECT mqp.transaction_id FROM customer_transaction_fact_stg mqp)`,
	`INSERT INTO customer_transaction_fact SELECT * FROM customer_transaction_fact_stg`,
	`UPDATE metadata_etl SET status = 'Complete', enddate = now() WHERE jobname = 'Customer_Transaction_Fact_Load'`,
	`COMMIT`,
}

// stagingQuery is the article's, verbatim but for the folded names.
const stagingQuery = `select
m.Transaction_ID,
min(case when m.rank_Customer_ID =1 then m.Customer_ID end) Customer_ID,
min(case when m.rank_OutofPocket_Percent =1 then m.OutofPocket_Percent end) OutofPocket_Percent,
min(case when m.rank_OutofPock_Amount =1 then m.OutofPock_Amount end) OutofPock_Amount,
min(case when m.rank_OutofPocket_Max =1 then m.OutofPocket_Max end) OutofPocket_Max,
min(case when m.rank_Provider =1 then m.Provider end) Provider,
min(case when m.rank_Completion_DateTime =1 then m.Completion_DateTime end) Completion_DateTime
from
(
select *,
rank() over(partition by Transaction_ID order by case when mqp.Customer_ID is not null then 1 end, approximate_arrival_timestamp desc ) rank_Customer_ID,
rank() over(partition by Transaction_ID order by case when mqp.OutofPocket_Percent is not null then 1 end, approximate_arrival_timestamp desc ) rank_OutofPocket_Percent,
rank() over(partition by Transaction_ID order by case when mqp.OutofPock_Amount is not null then 1 end, approximate_arrival_timestamp  desc )  rank_OutofPock_Amount,
rank() over(partition by Transaction_ID order by case when mqp.OutofPocket_Max is not null then 1 end, approximate_arrival_timestamp desc ) rank_OutofPocket_Max,
rank() over(partition by Transaction_ID order by case when mqp.Provider is not null then 1 end, approximate_arrival_timestamp  desc ) rank_Provider,
rank() over(partition by Transaction_ID order by case when mqp.Completion_DateTime is not null then 1 end, approximate_arrival_timestamp desc )  rank_Completion_DateTime
from mv_demo_super_unnest mqp
where upper(mqp.event_Name) <> 'REMOVE' and mqp.approximate_arrival_timestamp > (select mde.EndDate from MetaData_ETL mde where mde.JobName = 'Customer_Transaction_Fact_Load')
) m
group by m.Transaction_ID
order by m.Transaction_ID`

// handTables are the tables every hand-written pipeline starts with; the
// audit row's watermark is before every arrival, as blueshift's is (it is
// inserted before the puts).
func handTables(payloadType, bytesType string) []string {
	return []string{
		`CREATE TABLE kinesis_raw (approximate_arrival_timestamp TIMESTAMP, partition_key VARCHAR, shard_id VARCHAR, sequence_number VARCHAR, kinesis_data ` + bytesType + `)`,
		`CREATE TABLE demo_stream_vw (approximate_arrival_timestamp TIMESTAMP, partition_key VARCHAR, shard_id VARCHAR, sequence_number VARCHAR, payload ` + payloadType + `)`,
		`CREATE TABLE mv_demo_super_unnest (customer_id VARCHAR, transaction_id VARCHAR, dependent_id VARCHAR, outofpocket_max INTEGER,
			outofpocket_percent DECIMAL(5,2), outofpock_amount INTEGER, provider VARCHAR, completion_datetime TIMESTAMPTZ, event_name VARCHAR,
			approximate_arrival_timestamp TIMESTAMP)`,
		`CREATE TABLE metadata_etl (jobname VARCHAR(100), startdate TIMESTAMP, enddate TIMESTAMP, status VARCHAR(50))`,
		`INSERT INTO metadata_etl VALUES ('Customer_Transaction_Fact_Load', TIMESTAMP '2000-01-01', TIMESTAMP '2000-01-01', 'Ready')`,
		`CREATE TABLE customer_transaction_fact (transaction_id VARCHAR(500), customer_id VARCHAR(500), outofpocket_percent NUMERIC(5,2),
			outofpock_amount INTEGER, outofpocket_max INTEGER, provider VARCHAR(500), completion_datetime TIMESTAMP)`,
	}
}

// runDuckDB runs the pipeline by hand on a DuckDB database file of its own,
// with the settings blueshift gives its own (UTC, Redshift's NULL order).
func runDuckDB(ctx context.Context, b *testing.B, form string, inputs []input) result {
	f, ok := duckForms[form]
	if !ok {
		b.Fatalf("no DuckDB form %q", form)
	}
	path := filepath.Join(b.TempDir(), "hand.duckdb")
	connector, err := duckdb.NewConnector(path+"?storage_compatibility_version=v1.5.0&variant_minimum_shredding_size=-1", nil)
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
	exec := func(stmts ...string) error {
		for _, s := range stmts {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%.60s: %w", s, err)
			}
		}
		return nil
	}
	if err := exec(append([]string{`SET TimeZone = 'UTC'`, `SET default_null_order = 'nulls_last_on_asc_first_on_desc'`},
		handTables(f.payloadType, "BLOB")...)...); err != nil {
		b.Fatal(err)
	}
	appendStart := time.Now()
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "kinesis_raw")
		if err != nil {
			return err
		}
		for _, in := range inputs {
			if err := app.AppendRow(in.arrival, in.partitionKey, in.shardID, in.sequence, in.data); err != nil {
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
	appended := time.Since(appendStart)
	if err := exec(`CHECKPOINT`); err != nil {
		b.Fatal(err)
	}
	r := result{name: "duckdb " + form, appended: appended}
	r.times = append(r.times, timed(b, "parse", func() error {
		return exec(`INSERT INTO demo_stream_vw SELECT approximate_arrival_timestamp, partition_key, shard_id, sequence_number, ` + f.parse + ` FROM kinesis_raw`)
	}))
	r.times = append(r.times, timed(b, "unnest", func() error { return exec(f.unnest) }))
	r.times = append(r.times, timed(b, "procedure", func() error { return exec(duckProcedure...) }))

	rows, err := conn.QueryContext(ctx, factsQuery)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		ns := make([]sql.NullString, 7)
		ptrs := make([]any, 7)
		for i := range ns {
			ptrs[i] = &ns[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		cols := make([]*string, 7)
		for i := range ns {
			if ns[i].Valid {
				cols[i] = &ns[i].String
			}
		}
		r.facts = append(r.facts, line(cols))
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	slices.Sort(r.facts)
	return r
}
