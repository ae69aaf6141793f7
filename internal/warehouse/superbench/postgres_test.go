package superbench

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The hand-written PostgreSQL pipeline: jsonb for SUPER, #>> for PartiQL
// paths, LEFT JOIN LATERAL jsonb_array_elements for the unnest, the
// article's procedure in PL/pgSQL.

const pgParse = `INSERT INTO demo_stream_vw SELECT approximate_arrival_timestamp, partition_key, shard_id, sequence_number,
	convert_from(kinesis_data, 'UTF8')::jsonb FROM kinesis_raw`

const pgUnnest = `INSERT INTO mv_demo_super_unnest
SELECT substring(a.payload #>> '{dynamodb,Keys,pk,S}', position('#' in a.payload #>> '{dynamodb,Keys,pk,S}') + 1),
	substring(a.payload #>> '{dynamodb,Keys,sk,S}', position('#TRANSACTION' in a.payload #>> '{dynamodb,Keys,sk,S}') + 1),
	substring(b #>> '{M,sk,S}', position('#CUSTOMER' in b #>> '{M,sk,S}') + 1),
	(a.payload #>> '{dynamodb,NewImage,OutofPockMax,N}')::int,
	(a.payload #>> '{dynamodb,NewImage,OutofPockPercent,N}')::decimal(5,2),
	(a.payload #>> '{dynamodb,NewImage,OutofPockAmount,N}')::int,
	a.payload #>> '{dynamodb,NewImage,Provider,S}',
	(a.payload #>> '{dynamodb,NewImage,completionDateTime,S}')::timestamptz,
	a.payload ->> 'eventName', a.approximate_arrival_timestamp
FROM demo_stream_vw a
LEFT JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a.payload #> '{dynamodb,NewImage,calculationRequirements,M,dependentIds,L}') = 'array'
	THEN a.payload #> '{dynamodb,NewImage,calculationRequirements,M,dependentIds,L}' END) b ON true`

// pgProcedure is the article's procedure in PL/pgSQL, without its REFRESH
// (the view was just refreshed; PostgreSQL's REFRESH would recompute it
// whole) and its SET; GETDATE() is now().
const pgProcedure = `CREATE OR REPLACE PROCEDURE sp_customer_transaction_fact() AS $$
BEGIN
update MetaData_ETL set status = 'Running', StartDate = now() where JobName = 'Customer_Transaction_Fact_Load';
drop table if exists Customer_Transaction_Fact_Stg;
create table Customer_Transaction_Fact_Stg as ` + stagingQuery + `;
delete from Customer_Transaction_Fact where Transaction_ID in (select mqp.Transaction_ID from Customer_Transaction_Fact_Stg mqp);
insert into Customer_Transaction_Fact select * from Customer_Transaction_Fact_Stg;
update MetaData_ETL set status = 'Complete', EndDate = now() where JobName = 'Customer_Transaction_Fact_Load';
END;
$$ LANGUAGE plpgsql`

// pgBin returns the directory of Debian's PostgreSQL server binaries, the
// newest installed.
func pgBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return va - vb
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "postgres")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// startPostgres initializes a cluster in a temporary directory and starts
// it on a free loopback port; as root, it runs as the postgres user (which
// PostgreSQL requires). It returns a connection string.
func startPostgres(b *testing.B) (string, error) {
	bin := pgBin()
	if bin == "" {
		return "", fmt.Errorf("PostgreSQL is not installed (Debian: apt-get install postgresql)")
	}
	dir, err := os.MkdirTemp("", "superbench-pg-")
	if err != nil {
		return "", err
	}
	b.Cleanup(func() { _ = os.RemoveAll(dir) })
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return "", fmt.Errorf("running as root and no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return "", err
		}
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w\n%s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		return "", err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c TimeZone=UTC", port, dir)
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start"); err != nil {
		return "", err
	}
	b.Cleanup(func() { _ = run("pg_ctl", "-D", data, "-m", "immediate", "stop") })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), nil
}

// runPostgres runs the pipeline by hand on PostgreSQL; false (with a
// message) when PostgreSQL is not installed.
func runPostgres(ctx context.Context, b *testing.B, inputs []input) (result, bool) {
	dsn, err := startPostgres(b)
	if err != nil {
		fmt.Printf("PostgreSQL skipped: %v\n", err)
		return result{}, false
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(stmts ...string) error {
		for _, s := range stmts {
			if _, err := conn.Exec(ctx, s); err != nil {
				return fmt.Errorf("%.60s: %w", s, err)
			}
		}
		return nil
	}
	stmts := handTables("jsonb", "bytea")
	for i, s := range stmts {
		stmts[i] = strings.ReplaceAll(s, "DECIMAL(5,2)", "NUMERIC(5,2)")
	}
	if err := exec(append(stmts, pgProcedure)...); err != nil {
		b.Fatal(err)
	}
	rows := make([][]any, len(inputs))
	for i, in := range inputs {
		rows[i] = []any{in.arrival, in.partitionKey, in.shardID, in.sequence, in.data}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"kinesis_raw"},
		[]string{"approximate_arrival_timestamp", "partition_key", "shard_id", "sequence_number", "kinesis_data"}, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
	if err := exec(`VACUUM ANALYZE kinesis_raw`, `CHECKPOINT`); err != nil {
		b.Fatal(err)
	}
	r := result{name: "postgresql jsonb"}
	r.times = append(r.times, timed(b, "parse", func() error { return exec(pgParse) }))
	r.times = append(r.times, timed(b, "unnest", func() error { return exec(pgUnnest) }))
	r.times = append(r.times, timed(b, "procedure", func() error { return exec(`CALL sp_customer_transaction_fact()`) }))
	r.facts = factsPgx(ctx, b, conn)
	return r, true
}
