// Package demo is `blueshift demo` (what `make demo` runs): the article's
// pipeline from its true start. It starts a server in-process on a data
// directory (a new one is set up, one a previous demo used is resumed), and
// an application (App) writes customer transactions to a DynamoDB table
// through the AWS SDK: PutItem, UpdateItem (SET and REMOVE), DeleteItem and
// TransactWriteItems. The table's Kinesis streaming destination feeds
// demo-data-stream; the reference scenario's SQL (scenario.sql, verbatim)
// and the exact load (exact_load.sql) carry the changes to the fact tables.
// It prints where to connect and, every few seconds, each stage's rate and
// the loads' last runs.
//
// It also holds the reference scenario itself (scenario.sql and
// sample-record.json, verbatim copies of ../shared/seed, kept equal by a
// test) and the end-to-end tests that run it against the real binary.
//
// Invariants:
//   - The demo talks to its server only as a user would: the AWS SDK for
//     tables and streams, a Postgres driver for SQL, over loopback.
//   - The scenario's SQL runs verbatim, split as psql splits a script.
//   - The application is deterministic for a seed in its choices (which
//     operation, which item, which values); one item's writes are issued in
//     order by one worker, so its changes reach the stream in that order.
//   - The exact load leaves Customer_Transaction_Fact_Exact equal to the
//     table's items projected to the fact columns after every run.
package demo
