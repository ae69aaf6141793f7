// Package bench is `blueshift bench`: it measures the whole pipeline on the
// machine it runs on, end to end, through the interfaces users use. It
// starts a server in-process on a fresh data directory (as `blueshift
// serve` would, through the Serve function main gives it) or uses a
// running one, creates a stream, an external schema and a streaming
// materialized view with AUTO REFRESH YES over json_parse()d records, and
// runs four phases:
//
//  1. put: PutRecords batches from several clients (AWS SDK for Go v2);
//     records/s, MB/s and the latency of the calls.
//  2. ingest: the time until the view holds every record put (pgx); then
//     a CHECKPOINT, timed, so that the load's write-ahead log (tens of MB,
//     which the next commit would checkpoint for about a second) is not
//     counted in the freshness of the steady state that follows.
//  3. freshness: records put at a steady rate, each carrying its put time;
//     a poller reads the view and notes when each record first appears,
//     giving ack-to-visible and put-to-visible latencies.
//  4. query: point lookups and an aggregate over the view; q/s and latency.
//
// It prints the figures with the machine and the parameters, as a table or
// as JSON (Result).
//
// Invariants:
//   - Everything goes over loopback through the Kinesis API and the Postgres
//     wire protocol; the package imports no server component.
//   - Records are numbered 0..n-1 (the id field of their JSON); every
//     record is put exactly once (the Kinesis client does not retry a call
//     on its own, so an acknowledged put is never repeated). The run fails
//     unless the view ends with exactly those records: count(*) = n, n
//     distinct ids, min 0 and max n-1 (which together mean every id once),
//     and every query result is checked against what was put.
//   - Each phase's figures come from client-side clocks around real calls;
//     the output states how each figure was measured.
//   - The context reaches every blocking call: cancelling it (Ctrl-C) stops
//     the run and the in-process server, and removes a temporary data
//     directory.
package bench
