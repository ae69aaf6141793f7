package clients_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// missing skips the test, or fails it in CI, where every client must be
// installed (.ci/run installs them).
func missing(t *testing.T, what, install string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (CI is set, so this fails): %s", what, install)
	}
	t.Skipf("%s is not installed; to run this test: %s", what, install)
}

// python returns a Python 3 interpreter that can import every module in
// mods: Debian's /usr/bin/python3 first (where apt installs the clients),
// then python3 on PATH.
func python(t *testing.T, aptPkgs string, mods ...string) string {
	t.Helper()
	check := "import " + strings.Join(mods, ", ")
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil {
			if exec.Command(path, "-c", check).Run() == nil {
				return path
			}
		}
	}
	missing(t, "Python 3 with "+strings.Join(mods, ", "), "apt-get install "+aptPkgs)
	return ""
}

// endpointEnv is the environment a client script gets: the server's
// addresses, and libpq's PG* variables naming the SQL endpoint.
func endpointEnv(s *testserver.Server) []string {
	host, port, _ := strings.Cut(s.SQL, ":")
	return append(os.Environ(),
		"BLUESHIFT_SQL_HOST="+host, "BLUESHIFT_SQL_PORT="+port,
		"BLUESHIFT_AWS_URL=http://"+s.AWS,
		"PGHOST="+host, "PGPORT="+port, "PGUSER=alice", "PGDATABASE=dev", "PGSSLMODE=disable",
		"AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=us-east-1",
		"PYTHONDONTWRITEBYTECODE=1",
	)
}

// run runs a client program against s, in dir, and fails the test with
// its output and the server's log when it exits non-zero.
func run(t *testing.T, s *testserver.Server, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = endpointEnv(s)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n--- client output:\n%s\n--- server log:\n%s", name, strings.Join(args, " "), err, out, s.Logs())
	}
	t.Logf("%s", out)
	return string(out)
}

// testdata returns the absolute path of testdata/rel.
func testdata(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func runPython(t *testing.T, script, aptPkgs string, mods ...string) {
	t.Helper()
	py := python(t, aptPkgs, mods...)
	s := testserver.Start(t)
	run(t, s, testdata(t, "."), py, testdata(t, script))
}

func TestPsycopg2(t *testing.T) {
	t.Parallel()
	runPython(t, "psycopg2_client.py", "python3-psycopg2", "psycopg2")
}

func TestPsycopg3(t *testing.T) {
	t.Parallel()
	runPython(t, "psycopg3_client.py", "python3-psycopg", "psycopg")
}

func TestSQLAlchemyAndPandas(t *testing.T) {
	t.Parallel()
	runPython(t, "sqlalchemy_client.py", "python3-sqlalchemy python3-pandas python3-psycopg2", "sqlalchemy", "pandas", "psycopg2")
}

func TestPsqlODBC(t *testing.T) {
	t.Parallel()
	py := python(t, "python3-pyodbc odbc-postgresql unixodbc", "pyodbc")
	out, _ := exec.Command("odbcinst", "-q", "-d").Output()
	if !strings.Contains(string(out), "[PostgreSQL Unicode]") {
		missing(t, "psqlODBC (the PostgreSQL Unicode ODBC driver)", "apt-get install odbc-postgresql unixodbc")
	}
	s := testserver.Start(t)
	run(t, s, testdata(t, "."), py, testdata(t, "odbc_client.py"))
}

func TestPgcli(t *testing.T) {
	t.Parallel()
	runPython(t, "pgcli_client.py", "pgcli", "pgcli.main", "pgspecial")
}

func TestBoto3Kinesis(t *testing.T) {
	t.Parallel()
	runPython(t, "boto3_kinesis.py", "python3-boto3", "boto3")
}

// TestPgJDBC compiles testdata/JdbcClient.java against Debian's PgJDBC
// into a temporary directory and runs it.
func TestPgJDBC(t *testing.T) {
	t.Parallel()
	const jar = "/usr/share/java/postgresql.jar"
	javac, errC := exec.LookPath("javac")
	java, errJ := exec.LookPath("java")
	if errC != nil || errJ != nil {
		missing(t, "a JDK (javac, java)", "apt-get install default-jdk-headless")
	}
	if _, err := os.Stat(jar); err != nil {
		missing(t, "PgJDBC ("+jar+")", "apt-get install libpostgresql-jdbc-java")
	}
	classes := t.TempDir()
	if out, err := exec.Command(javac, "-d", classes, "-cp", jar, testdata(t, "JdbcClient.java")).CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	s := testserver.Start(t)
	run(t, s, classes, java, "-cp", classes+string(os.PathListSeparator)+jar, "JdbcClient")
}

// TestNodePostgres runs node-postgres (pg) and pg-query-stream, the versions
// pinned in testdata/node/package-lock.json, installed there by `npm ci`.
func TestNodePostgres(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "Node.js", "apt-get install nodejs npm")
	}
	dir := testdata(t, "node")
	for _, m := range []string{"pg", "pg-query-stream"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			missing(t, "the npm package "+m, "(cd "+dir+" && npm ci)")
		}
	}
	s := testserver.Start(t)
	run(t, s, dir, node, "pg_client.js")
}

// TestAWSSDKForJavaScript runs the AWS SDK for JavaScript v3's Kinesis and
// DynamoDB clients (pinned in testdata/node/package-lock.json) with their
// default settings: the Kinesis client speaks HTTP/2 without TLS.
func TestAWSSDKForJavaScript(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "Node.js", "apt-get install nodejs npm")
	}
	dir := testdata(t, "node")
	for _, m := range []string{"@aws-sdk/client-kinesis", "@aws-sdk/client-dynamodb"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			missing(t, "the npm package "+m, "(cd "+dir+" && npm ci)")
		}
	}
	s := testserver.Start(t)
	run(t, s, dir, node, "aws_client.js")
}

// TestPgbench runs pgbench (from postgresql-client) as users run it
// first: initialize its tables (DROP of several tables, CREATE TABLE ...
// WITH (fillfactor), TRUNCATE of several, COPY, VACUUM ANALYZE, ALTER
// TABLE ADD PRIMARY KEY), then its select-only workload.
func TestPgbench(t *testing.T) {
	t.Parallel()
	pgbench, err := exec.LookPath("pgbench")
	if err != nil {
		missing(t, "pgbench", "apt-get install postgresql-client")
	}
	s := testserver.Start(t)
	dir := t.TempDir()
	run(t, s, dir, pgbench, "-i", "-s", "1")
	out := run(t, s, dir, pgbench, "-S", "-n", "-t", "200", "-c", "2")
	if !strings.Contains(out, "number of failed transactions: 0") {
		t.Errorf("pgbench -S: want no failed transactions:\n%s", out)
	}
	got := run(t, s, dir, "psql", "-XAtc", "select count(*) from pgbench_accounts")
	if strings.TrimSpace(got) != "100000" {
		t.Errorf("pgbench_accounts holds %q rows after pgbench -i -s 1, want 100000", got)
	}
}
