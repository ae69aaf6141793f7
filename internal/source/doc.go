// Package source reads streams for streaming materialized views, behind one
// interface (Reader) with one implementation per kind of stream service:
//
//   - Log reads blueshift's own embedded log (internal/streamlog): the
//     default for an external schema FROM KINESIS.
//   - Kinesis reads a real (or any Kinesis-compatible) endpoint through
//     aws-sdk-go-v2, when the server is configured with one.
//   - Kafka and MSK schemas are recognised; their reader is not built yet,
//     and Open says so with ErrNotAvailable.
//
// # Invariants
//
//   - A position is the sequence number (in the service's decimal form) of
//     the last record consumed from a shard; the empty position means "before
//     the oldest record kept" (TRIM_HORIZON). Read returns the records after
//     a position, in sequence order, and Batch.Next is the position to store
//     once they are consumed. Positions are opaque to callers: they store and
//     hand them back, nothing more.
//   - Shards lists every shard, parents before children. A caller that
//     reads a shard's children only after the shard reported End sees every
//     record exactly once, in per-key order.
//   - A reader never skips silently: records lost to the stream's retention
//     between a position and the first record returned are reported in
//     Batch.Gap (where the service can tell; see each reader).
//   - Readers hold no position of their own: exactly-once belongs to the
//     caller, which stores Batch.Next with the data it derived, atomically.
//     (A reader may remember how to continue from where it stopped, such as
//     Kinesis's NextShardIterator, but only as a shortcut for the position
//     the caller hands back.)
//   - Batch.Behind never undercounts: it is the records left in the shard
//     after the batch, exact for blueshift's own log (an upper bound for its
//     streams written before record format 2), an upper bound where the
//     service cannot count them exactly, or -1 where it cannot bound them
//     at all.
package source
