package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestScenarioCopiesMatch keeps the embedded copies equal to the shared
// reference files, when those are present beside the repository.
func TestScenarioCopiesMatch(t *testing.T) {
	for name, embedded := range map[string]string{"scenario.sql": ScenarioSQL, "sample-record.json": string(SampleRecord)} {
		shared, err := os.ReadFile("../../../shared/seed/" + name)
		if os.IsNotExist(err) {
			t.Skipf("../shared/seed/%s is not here", name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(shared) != embedded {
			t.Errorf("internal/demo/%s differs from ../shared/seed/%s; copy it again", name, name)
		}
	}
}

func TestSplitScenario(t *testing.T) {
	sc, err := SplitScenario()
	if err != nil {
		t.Fatal(err)
	}
	if last := sc.Setup[len(sc.Setup)-1]; !strings.HasPrefix(last, "insert into MetaData_ETL") {
		t.Errorf("setup ends with %q", firstLine(last))
	}
	if first := sc.Load[0]; !strings.HasPrefix(first, "CREATE TABLE public.Customer_Transaction_Fact") {
		t.Errorf("load starts with %q", firstLine(first))
	}
	if last := sc.Load[len(sc.Load)-1]; last != "CALL SP_Customer_Transaction_Fact()" {
		t.Errorf("load ends with %q", last)
	}
	if n := len(sc.LoadWithoutCall()); n != len(sc.Load)-1 {
		t.Errorf("LoadWithoutCall has %d statements, want %d", n, len(sc.Load)-1)
	}
}

// scenario drives the reference scenario against a server started as users
// start it, with pgx for SQL and the AWS SDK for the stream.
type scenario struct {
	t    *testing.T
	ctx  context.Context
	srv  *testserver.Server
	conn *pgx.Conn
	sc   Scenario
}

func startScenario(t *testing.T) *scenario {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	srv := testserver.Start(t)
	conn, err := pgx.Connect(ctx, "postgres://tester@"+srv.SQL+"/dev?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	sc, err := SplitScenario()
	if err != nil {
		t.Fatal(err)
	}
	return &scenario{t: t, ctx: ctx, srv: srv, conn: conn, sc: sc}
}

func (s *scenario) exec(stmts ...string) {
	s.t.Helper()
	if err := Exec(s.ctx, s.conn, stmts...); err != nil {
		s.t.Fatal(err)
	}
}

// put puts one change record into the stream through the Kinesis API.
func (s *scenario) put(data []byte) {
	s.t.Helper()
	var rec struct {
		Dynamodb struct {
			Keys struct {
				PK struct{ S string } `json:"pk"`
			}
		} `json:"dynamodb"`
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		s.t.Fatal(err)
	}
	if err := PutRecords(s.ctx, NewKinesis(s.srv.AWS), StreamName, []Record{{PartitionKey: rec.Dynamodb.Keys.PK.S, Data: data}}); err != nil {
		s.t.Fatal(err)
	}
}

// rows runs a query and renders each row as "a | b | ...", NULL for nulls.
func (s *scenario) rows(query string) []string {
	s.t.Helper()
	rs, err := s.conn.Query(s.ctx, query, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		vals := rs.RawValues()
		cells := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = string(v)
			}
		}
		out = append(out, strings.Join(cells, " | "))
	}
	if err := rs.Err(); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return out
}

func (s *scenario) expect(what, query string, want ...string) {
	s.t.Helper()
	if got := s.rows(query); strings.Join(got, "\n") != strings.Join(want, "\n") {
		s.t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// waitRows waits until query returns want.
func (s *scenario) waitRows(what, query string, want ...string) {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := s.rows(query)
		if strings.Join(got, "\n") == strings.Join(want, "\n") {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: timed out; last got %q\nwant %q", what, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// modifyRecord is the README's second record: the same keys, eventName
// MODIFY, a changed Provider and no OutofPockAmount; its numbers are
// strings, as real DynamoDB change records write them.
func modifyRecord(t *testing.T, provider string) []byte {
	var rec map[string]any
	if err := json.Unmarshal(SampleRecord, &rec); err != nil {
		t.Fatal(err)
	}
	rec["eventName"] = "MODIFY"
	rec["eventID"] = "0f6b1b0e-2c1d-4a57-9a43-5b1f4f0f2d11"
	img := rec["dynamodb"].(map[string]any)["NewImage"].(map[string]any)
	img["Provider"] = map[string]any{"S": provider}
	delete(img, "OutofPockAmount")
	img["OutofPockPercent"] = map[string]any{"N": "50.00"}
	img["OutofPockMax"] = map[string]any{"N": "2000"}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	unnestQuery = `select Customer_ID, Transaction_ID, Dependent_ID, OutofPocket_Max, OutofPocket_Percent,
		OutofPock_Amount, Provider, Completion_DateTime, Event_Name
		from mv_demo_super_unnest order by Event_Name, Dependent_ID`
	factQuery  = `select * from Customer_Transaction_Fact order by Transaction_ID`
	auditQuery = `select JobName, Status, EndDate > StartDate from MetaData_ETL`
)

// unnestRows are the README's two rows of mv_demo_super_unnest for the
// sample record.
var unnestRows = []string{
	"CUST_123 | TRANSACTION#2022-07-08T23:59:59Z#CUST_345 | CUSTOMER#2022-07-08T23:59:59Z#CUST_567 | 2000 | 50.00 | 1000 | PV-123 | 2022-07-08 23:59:59+00 | INSERT",
	"CUST_123 | TRANSACTION#2022-07-08T23:59:59Z#CUST_345 | CUSTOMER#2022-07-08T23:59:59Z#CUST_890 | 2000 | 50.00 | 1000 | PV-123 | 2022-07-08 23:59:59+00 | INSERT",
}

var (
	factRow     = "TRANSACTION#2022-07-08T23:59:59Z#CUST_345 | CUST_123 | 50.00 | 1000 | 2000 | PV-123 | 2022-07-08 23:59:59"
	factRowNext = "TRANSACTION#2022-07-08T23:59:59Z#CUST_345 | CUST_123 | 50.00 | NULL | 2000 | PV-999 | 2022-07-08 23:59:59"
	auditDone   = "Customer_Transaction_Fact_Load | Complete | t"
)

// TestReferenceScenario runs scenario.sql verbatim, driven as
// ../shared/seed/README.md says, and checks the rows it lists.
func TestReferenceScenario(t *testing.T) {
	s := startScenario(t)
	// 1. The stream.
	if err := CreateStream(s.ctx, NewKinesis(s.srv.AWS), StreamName, 1); err != nil {
		t.Fatal(err)
	}
	// 2. Up to and including the audit row.
	s.exec(s.sc.Setup...)
	// 3. The sample record, then a refresh of the streaming view.
	s.put(SampleRecord)
	s.exec("REFRESH MATERIALIZED VIEW demo_stream_vw;")
	// 4. The rest: the fact table, the procedure, its CALL.
	s.exec(s.sc.Load...)

	s.expect("mv_demo_super_unnest", unnestQuery, unnestRows...)
	s.expect("Customer_Transaction_Fact", factQuery, factRow)
	s.expect("MetaData_ETL", auditQuery, auditDone)

	// The second record (MODIFY), a refresh, another CALL.
	s.put(modifyRecord(t, "PV-999"))
	s.exec("REFRESH MATERIALIZED VIEW demo_stream_vw;", "CALL SP_Customer_Transaction_Fact();")
	s.expect("Customer_Transaction_Fact after the MODIFY", factQuery, factRowNext)
	s.expect("MetaData_ETL after the MODIFY", auditQuery, auditDone)
	if got := s.rows("select count(*) from mv_demo_super_unnest where Event_Name = 'MODIFY'"); fmt.Sprint(got) != "[2]" {
		t.Errorf("MODIFY rows in mv_demo_super_unnest: %v, want [2]", got)
	}
}

// TestReferenceScenarioScheduled is the same with the procedure called by a
// schedule instead of by hand.
func TestReferenceScenarioScheduled(t *testing.T) {
	s := startScenario(t)
	if err := CreateStream(s.ctx, NewKinesis(s.srv.AWS), StreamName, 1); err != nil {
		t.Fatal(err)
	}
	s.exec(s.sc.Setup...)
	s.put(SampleRecord)
	s.exec("REFRESH MATERIALIZED VIEW demo_stream_vw;")
	s.exec(s.sc.LoadWithoutCall()...)
	s.exec("CREATE SCHEDULE load_customer_transaction_fact EVERY 1 SECOND AS CALL SP_Customer_Transaction_Fact();")

	s.waitRows("Customer_Transaction_Fact loaded by the schedule", factQuery, factRow)
	s.expect("mv_demo_super_unnest", unnestQuery, unnestRows...)
	s.waitRows("MetaData_ETL", auditQuery, auditDone)

	// The article's watermark drops a record that arrives while a run is in
	// progress; pause the schedule around the put so the run comes after it.
	s.exec("ALTER SCHEDULE load_customer_transaction_fact PAUSE;")
	s.waitRows("the run in flight to end",
		"select count(*) from sys_schedule_history where schedule_name = 'load_customer_transaction_fact' and status = 'running'", "0")
	s.put(modifyRecord(t, "PV-999"))
	s.exec("REFRESH MATERIALIZED VIEW demo_stream_vw;", "ALTER SCHEDULE load_customer_transaction_fact RESUME;")
	s.waitRows("Customer_Transaction_Fact after the MODIFY", factQuery, factRowNext)
	s.expect("MetaData_ETL after the MODIFY", auditQuery, auditDone)
	s.expect("failed runs", "select count(*) from sys_schedule_history where status not in ('succeeded', 'running')", "0")
}
