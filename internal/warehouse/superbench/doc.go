// Package superbench holds the comparison benchmark of SUPER's speed: the
// reference scenario's pipeline over generated DynamoDB change records, run
// through blueshift's public interfaces (Kinesis PutRecords, then REFRESH,
// REFRESH and CALL over the Postgres wire protocol) beside the same pipeline
// written by hand for DuckDB (in several forms of the payload) and for
// PostgreSQL with jsonb and PL/pgSQL.
//
// Run it with
//
//	go test -run '^$' -bench Pipeline -benchtime 1x ./internal/warehouse/superbench -records 50000
//
// It prints each stage's time for every system, the ratios, and fails unless
// every system's fact table is identical.
//
// Invariants:
//   - Every system gets the same records with the same arrival times:
//     blueshift's (read back from its streaming view after the puts), so
//     the article's tie-breaking among records of one arrival millisecond
//     picks the same rows everywhere.
//   - Only the stages after the puts are timed; loading the hand-written
//     systems' raw table is not.
//   - PostgreSQL is started from Debian's postgresql package when installed
//     (initdb and postgres under /usr/lib/postgresql/*/bin); otherwise it is
//     skipped with a message saying so.
package superbench
