// Package clients holds the client matrix: tests that start the real
// blueshift binary (internal/testserver) and run the clients users already
// have against it, each with its default settings and only the endpoint
// changed. The clients are psycopg2 and psycopg 3, SQLAlchemy and pandas,
// PgJDBC's DatabaseMetaData (a small Java program compiled at test time),
// psqlODBC through pyodbc, pgcli, node-postgres with pg-query-stream, and
// boto3's Kinesis client.
//
// Each client's script lives in testdata and asserts what it gets; the Go
// test starts a server, runs the script and reports its output on failure.
// A missing client fails the test when the CI environment variable is set
// and skips it, naming the install command, otherwise. .ci/run installs
// every client (Debian packages, and `npm ci` in testdata/node).
//
// The package has no non-test code.
package clients
