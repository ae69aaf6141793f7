// Package demo is `blueshift demo` (what `make demo` runs): it starts a
// server in-process on a fresh data directory, creates the stream
// demo-data-stream, runs the reference scenario's SQL with its load
// procedure on a schedule, and feeds the stream with generated DynamoDB
// change records through the Kinesis API, printing where to connect and,
// every few seconds, what the streaming view and the fact table hold.
//
// It also holds the reference scenario itself (scenario.sql and
// sample-record.json, verbatim copies of ../shared/seed, kept equal by a
// test) and the end-to-end test that runs it against the real binary.
//
// Invariants:
//   - The demo talks to its server only as a user would: the AWS SDK for
//     streams, a Postgres driver for SQL, over loopback.
//   - The scenario's SQL runs verbatim, split as psql splits a script.
//   - The generator is deterministic for a seed; its records are shaped like
//     sample-record.json (numbers as strings, as real DynamoDB writes them).
package demo
