package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// procScript runs a script on s and renders, per statement, the notices it
// raised, its rows and its tag; an error ends the output with its SQLSTATE.
func procScript(s *Session, notices *[]Notice, script string) string {
	var out strings.Builder
	flush := func() {
		for _, n := range *notices {
			fmt.Fprintf(&out, "%s: %s\n", n.Severity, n.Message)
		}
		*notices = (*notices)[:0]
	}
	rs := s.Execute(context.Background(), script, nil)
	defer rs.Close()
	for rs.Next() {
		r := rs.Result()
		var rows []string
		for r.Next() {
			var vals []string
			for _, v := range r.Values() {
				if v == nil {
					vals = append(vals, "NULL")
				} else {
					vals = append(vals, fmt.Sprint(v))
				}
			}
			rows = append(rows, strings.Join(vals, " | "))
		}
		if err := r.Err(); err != nil {
			flush()
			fmt.Fprintf(&out, "error %s: %v\n", sqlerr.CodeOf(err), err)
			return out.String()
		}
		flush()
		if r.Columns != nil {
			var cols []string
			for _, c := range r.Columns {
				cols = append(cols, c.Name)
			}
			fmt.Fprintf(&out, "%s\n", strings.Join(cols, " | "))
		}
		for _, row := range rows {
			fmt.Fprintf(&out, "%s\n", row)
		}
		fmt.Fprintf(&out, "%s\n", r.Tag())
	}
	flush()
	if err := rs.Err(); err != nil {
		fmt.Fprintf(&out, "error %s: %v\n", sqlerr.CodeOf(err), err)
	}
	return out.String()
}

// TestProcedures runs the scripts under testdata/procedure, each on a fresh
// warehouse: `exec [session=name]` runs SQL and prints what came back.
func TestProcedures(t *testing.T) {
	datadriven.Walk(t, "testdata/procedure", func(t *testing.T, path string) {
		w, err := Open(context.Background(), t.TempDir(), Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		type sess struct {
			s       *Session
			notices []Notice
		}
		sessions := map[string]*sess{}
		get := func(name string) *sess {
			if ss, ok := sessions[name]; ok {
				return ss
			}
			s, err := w.NewSession(context.Background(), "tester", "")
			if err != nil {
				t.Fatal(err)
			}
			ss := &sess{s: s}
			s.SetNoticeHandler(func(n Notice) { ss.notices = append(ss.notices, n) })
			sessions[name] = ss
			return ss
		}
		defer func() {
			for _, ss := range sessions {
				_ = ss.s.Close()
			}
		}()
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			name := "a"
			for _, a := range d.CmdArgs {
				if a.Key == "session" {
					name = a.Vals[0]
				}
			}
			ss := get(name)
			switch d.Cmd {
			case "exec":
				return procScript(ss.s, &ss.notices, d.Input)
			}
			t.Fatalf("unknown command %s", d.Cmd)
			return ""
		})
	})
}

// TestReferenceProcedure creates and calls the reference scenario's
// procedure verbatim, on tables standing in for its materialized view.
func TestReferenceProcedure(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "demo", "scenario.sql"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	i := strings.Index(s, "CREATE OR REPLACE PROCEDURE SP_Customer_Transaction_Fact()")
	j := strings.Index(s, "$$ LANGUAGE plpgsql;")
	if i < 0 || j < i {
		t.Fatal("procedure not found in scenario.sql")
	}
	create := s[i : j+len("$$ LANGUAGE plpgsql")]
	w, err := Open(context.Background(), t.TempDir(), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ss, err := w.NewSession(context.Background(), "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	var notices []Notice
	exec := func(q string) string {
		t.Helper()
		out := procScript(ss, &notices, q)
		if strings.Contains(out, "error ") {
			t.Fatalf("%s\n%s", q, out)
		}
		return out
	}
	// The audit and fact tables are the scenario's; a materialized view over
	// a plain table stands in for mv_demo_super_unnest, which the scenario
	// builds over the stream.
	exec(`create table MetaData_ETL (JobName varchar(100), StartDate timestamp, EndDate timestamp, Status varchar(50))`)
	exec(`insert into MetaData_ETL values ('Customer_Transaction_Fact_Load', '2022-07-08 00:00:00', '2022-07-08 00:00:00', 'Ready')`)
	exec(`CREATE TABLE public.Customer_Transaction_Fact (Transaction_ID character varying(500), Customer_ID character varying(500), OutofPocket_Percent numeric(5,2), OutofPock_Amount integer, OutofPocket_Max integer, Provider character varying(500), completion_datetime timestamp)`)
	exec(`create table unnested (Customer_ID varchar, Transaction_ID varchar, Dependent_ID varchar, OutofPocket_Max int, OutofPocket_Percent decimal(5,2), OutofPock_Amount int, Provider varchar, Completion_DateTime timestamptz, Event_Name varchar, approximate_arrival_timestamp timestamp)`)
	exec(`create materialized view mv_demo_super_unnest as select * from unnested`)
	exec(`insert into unnested values
		('CUST_123', 'TRANSACTION#2022-07-08T23:59:59Z#CUST_345', 'CUSTOMER#2022-07-08T23:59:59Z#CUST_567', 2000, 50.00, 1000, 'PV-123', '2022-07-08 23:59:59+00', 'INSERT', '2022-07-09 10:00:00'),
		('CUST_123', 'TRANSACTION#2022-07-08T23:59:59Z#CUST_345', 'CUSTOMER#2022-07-08T23:59:59Z#CUST_890', 2000, 50.00, 1000, 'PV-123', '2022-07-08 23:59:59+00', 'INSERT', '2022-07-09 10:00:00')`)
	exec(create)
	out := procScript(ss, &notices, "CALL SP_Customer_Transaction_Fact()")
	if strings.TrimSpace(out) != "CALL" {
		t.Fatalf("CALL: %s", out)
	}
	got := exec(`select * from Customer_Transaction_Fact`)
	want := "transaction_id | customer_id | outofpocket_percent | outofpock_amount | outofpocket_max | provider | completion_datetime\n" +
		"TRANSACTION#2022-07-08T23:59:59Z#CUST_345 | CUST_123 | 50.00 | 1000 | 2000 | PV-123 | 2022-07-08 23:59:59 +0000 UTC\nSELECT 1\n"
	if got != want {
		t.Errorf("fact table:\n%s\nwant\n%s", got, want)
	}
	// GETDATE() is each statement's start, so EndDate (the last statement)
	// is after StartDate (the first); both are this run's, not the seeded
	// 2022 values.
	if got := exec(`select Status, EndDate > StartDate as ordered, StartDate > '2022-07-09' as this_run from MetaData_ETL`); got != "status | ordered | this_run\nComplete | true | true\nSELECT 1\n" {
		t.Errorf("audit row: %s", got)
	}
}

// BenchmarkProcedureLoop measures one loop iteration of a procedure: an
// assignment and a condition, each a prepared SELECT run by DuckDB. The
// body is parsed once and each expression prepared once per call.
func BenchmarkProcedureLoop(b *testing.B) {
	w, err := Open(context.Background(), b.TempDir(), Options{Threads: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	s, err := w.NewSession(context.Background(), "tester", "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var notices []Notice
	out := procScript(s, &notices, `CREATE PROCEDURE p_loop(n int, INOUT total bigint) AS $$
BEGIN
  FOR i IN 1..n LOOP
    IF i % 2 = 0 THEN
      total := total + i;
    END IF;
  END LOOP;
END;
$$ LANGUAGE plpgsql`)
	if out != "CREATE PROCEDURE\n" {
		b.Fatal(out)
	}
	b.ResetTimer()
	out = procScript(s, &notices, fmt.Sprintf("CALL p_loop(%d, 0)", b.N))
	b.StopTimer()
	want := int64(b.N/2) * int64(b.N/2+1)
	if out != fmt.Sprintf("total\n%d\nSELECT 1\n", want) {
		b.Fatalf("got %q, want total %d", out, want)
	}
}

// TestProcedureCallNumbers: every CALL gets a number of its own in
// SVL_STORED_PROC_CALL's query column, increasing, and a reopened
// warehouse goes on after the highest number logged (Redshift's query ids
// identify one query: two calls never share one).
func TestProcedureCallNumbers(t *testing.T) {
	dir := t.TempDir()
	open := func() (*Warehouse, *Session) {
		w, err := Open(context.Background(), dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := w.NewSession(context.Background(), "tester", "")
		if err != nil {
			t.Fatal(err)
		}
		return w, s
	}
	w, s := open()
	mustRun(t, s, `create procedure p() as $$ begin raise info 'x'; end; $$ language plpgsql; call p(); call p()`)
	_ = s.Close()
	_ = w.Close()
	w, s = open()
	defer func() { _ = s.Close(); _ = w.Close() }()
	mustRun(t, s, `call p()`)
	got := mustRun(t, s, `select count(distinct query), count(*), min(query) > 0, max(query) = (select query from svl_stored_proc_call order by starttime desc limit 1) from svl_stored_proc_call`)
	if got != "[3 3 true true]\nSELECT 1\n" {
		t.Fatalf("call numbers: %q", got)
	}
}
