// Package kinesisapi serves the Kinesis Data Streams API (AWS JSON 1.1,
// X-Amz-Target "Kinesis_20131202.<Operation>") over a streamlog.Log, so any
// Kinesis producer or consumer works against blueshift by changing only its
// endpoint.
//
// One file per operation, each opening with what it supports and where it
// deviates from Kinesis; operations.go holds the table of operations.
//
// Invariants:
//   - Errors reach clients as Kinesis names them (ResourceNotFoundException,
//     ResourceInUseException, InvalidArgumentException,
//     LimitExceededException, ExpiredIteratorException, ValidationException),
//     mapped once from streamlog's sentinels in errors.go.
//   - Shard iterators are self-contained tokens (stream, stream incarnation,
//     shard, position, issue time, checksum): they survive restarts, expire
//     five minutes after issue, and one from a deleted stream never reads
//     its successor.
//   - A successful PutRecord/PutRecords response means the records are
//     fsynced (streamlog's durability), never less.
//   - StreamARN is accepted wherever StreamName is; the tag-on-resource
//     operations' ResourceARN names a stream the same way, and shares its
//     tags with AddTagsToStream/ListTagsForStream/RemoveTagsFromStream.
//   - What the control plane sets (mode, retention, tags, recorded
//     encryption) is stored in the stream's metadata and survives restarts.
package kinesisapi
