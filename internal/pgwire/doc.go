// Package pgwire serves the Postgres frontend/backend protocol (version 3.0)
// over the warehouse, so psql, drivers and BI tools connect to blueshift as
// they connect to Redshift. It is built on github.com/jackc/pgx/v5/pgproto3.
//
// # What it supports
//
//   - Startup, SSLRequest (answered 'N' unless TLS is configured), and
//     authentication: trust (no users configured; loopback clients only),
//     cleartext password or SCRAM-SHA-256 against configured users.
//   - The simple query protocol (a script of several statements, each with
//     its own CommandComplete, run as one implicit transaction) and the extended protocol (Parse, Bind,
//     Describe, Execute with row limits and PortalSuspended, Close, Sync,
//     Flush; named and unnamed statements and portals; parameters in text and
//     binary).
//   - CancelRequest, which interrupts the running DuckDB query (also while
//     it is planned, and while its rows stream); a client that closes its
//     connection while its statement runs cancels it too (hangup.go).
//   - COPY ... FROM STDIN and COPY ... TO STDOUT in text and CSV formats;
//     in CSV an unquoted empty field is NULL and "" the empty string.
//   - bytea parameters in binary, or in text in Postgres's hex or escape
//     format (VARBYTE parameters, OID 6551, in binary or as hex text).
//     Parameters of VARBYTE columns are described as bytea, which Postgres
//     drivers know how to send.
//   - Results in text, and in binary for bool, integers, floats, numeric,
//     text types, VARBYTE, date, time, timestamps, interval, uuid and json.
//     SUPER (DuckDB VARIANT) is reported with Redshift's SUPER type OID, 4000,
//     and sent as JSON text; VARBYTE (DuckDB BLOB) with Redshift's VARBYTE
//     OID, 6551, and sent as hex text without bytea's \x prefix (616263),
//     as Redshift sends it.
//
// # Invariants
//
//   - This is the one place where errors become SQLSTATEs on the wire: an
//     *sqlerr.Error keeps its code, anything else is XX000.
//   - A malformed message ends only its own connection (FATAL 08P01), never
//     the server.
//   - Rows stream: each DataRow is written to a buffered writer as it is
//     produced; a result set is never collected in memory.
//   - Shutdown stops accepting, lets running statements finish for a grace
//     period, then cancels them, and closes every connection with FATAL 57P01.
//
// Deviations: no GSSAPI or MD5 authentication, no replication or function
// call protocol, no COPY in binary format.
package pgwire
