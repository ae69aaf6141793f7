// Package streamlog is blueshift's durable stream store: named streams of
// shards, kept in a Pebble database in the data directory, with the data
// model of Kinesis Data Streams. kinesisapi serves it over the Kinesis API;
// source reads it for streaming materialized views; tables appends change
// records to it in the same atomic batch as the item writes.
//
// # Invariants
//
//   - A stream's shards that are open partition the 128-bit hash-key space
//     into contiguous ranges. A record goes to the open shard whose range
//     holds MD5(partition key) read as a big-endian integer, or its explicit
//     hash key.
//   - Sequence numbers come from one counter per stream, so they strictly
//     increase within a shard, every number in a child shard is greater than
//     every number in its parents, and a closed shard's EndingSeq lies
//     between the two. Numbers are never handed out twice, also across
//     restarts and crashes: the counter is persisted with every write and
//     recovered as the maximum of that and the records on disk. The high 20
//     bits hold the stream's id, so numbers are also unique across streams.
//   - The decimal form (Seq.String) has a fixed width, so sequence numbers
//     compare the same as strings and as numbers. So does the Kinesis form
//     (Seq.AppendAWS) within a shard; it is only a presentation, never
//     stored, and ParseAWSSeq reads both forms.
//   - Durability: Append returns only after its records are in Pebble's
//     write-ahead log and that log is fsynced. One writer goroutine applies
//     every mutation: all operations waiting when it starts a group share
//     one batch and one fsync (group commit), and it builds the next group
//     while the previous one's fsync is under way (a syncer goroutine waits
//     for fsyncs in order and then publishes). An acknowledged record
//     survives kill -9 and power loss (as far as fsync is honest).
//   - Readers only see durable records: a shard's visible end (LastSeq) is
//     advanced after the fsync, in sequence order, so a reader never sees a
//     record that a crash could take back, never sees a gap that fills in
//     later, and never sees a torn record.
//   - A full disk stops writes without failing them: the write that found
//     the disk full waits for space and completes once, new writes are
//     refused with ErrDiskFull meanwhile (nothing of them is written), and
//     the log takes writes again by itself when space is back (diskfull.go).
//   - An append is atomic: all of its records are written, in order, with
//     increasing sequence numbers, or none is.
//   - Each record carries its ordinal in its shard (record format 2): the
//     n-th record ever appended to a shard has ordinal n, published with the
//     shard's visible end as one value, so a read counts the records after
//     it exactly (ReadResult.Behind) without scanning them. Streams created
//     before format 2 keep format 1, without ordinals (Behind is -1 then);
//     a format newer than the code knows is refused at open.
//   - Arrival timestamps (ApproximateArrivalTimestamp, milliseconds) never
//     decrease along a stream's sequence numbers; AT_TIMESTAMP and retention
//     rely on it.
//   - Retention removes whole prefixes of a shard, never a record in the
//     middle, and raises the shard's TrimmedThrough before the removal
//     becomes visible: a reader whose position is below TrimmedThrough and that did
//     not get the records is told so (ReadResult.Gap), never skipped silently.
//   - Resharding (Split, Merge, UpdateShardCount) closes parents and opens
//     children in one commit; a child has at most two parents. A reader that
//     finishes each parent (ReadResult.End) before reading its children sees
//     every record exactly once, in per-key order.
//
// # Concurrency
//
// All methods are safe for concurrent use. Mutations go through the single
// writer goroutine (fields in writerState and the writer-owned fields of
// stream); readers use published, immutable metadata (atomic pointers) and
// per-shard atomics, and never take a lock that the writer holds during an
// fsync. Watch gives a channel closed at the stream's next change, so a
// reader waits for new data without polling.
//
// The on-disk key layout is specified in FORMAT.md.
package streamlog
