package streamlog

import "errors"

// Errors the log returns, wrapped with context; test with errors.Is. The
// protocol edge (kinesisapi) maps each to a Kinesis error type.
var (
	// ErrStreamNotFound: no stream by that name (or it is being deleted).
	ErrStreamNotFound = errors.New("stream not found")
	// ErrShardNotFound: the stream has no shard by that ID.
	ErrShardNotFound = errors.New("shard not found")
	// ErrStreamExists: CreateStream on a name already in use.
	ErrStreamExists = errors.New("stream already exists")
	// ErrStreamBusy: the stream is not in a state that allows the operation
	// (CREATING, UPDATING, DELETING).
	ErrStreamBusy = errors.New("stream is busy")
	// ErrInvalidArgument: a request that can never succeed as given.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrLimitExceeded: a limit on shards or streams was reached.
	ErrLimitExceeded = errors.New("limit exceeded")
	// ErrConsumerNotFound: the stream has no registered consumer by that name.
	ErrConsumerNotFound = errors.New("consumer not found")
	// ErrConsumerExists: a consumer by that name is already registered.
	ErrConsumerExists = errors.New("consumer already exists")
	// ErrClosed: the log was closed or failed a write and refuses further work.
	ErrClosed = errors.New("stream log closed")
)
