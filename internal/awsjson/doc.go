// Package awsjson is the plumbing of AWS's JSON 1.0/1.1 protocols, shared by
// the Kinesis and DynamoDB APIs: dispatch on X-Amz-Target
// ("<ServicePrefix>.<Operation>"), request body limits, JSON decoding that
// reports malformed input as SerializationException, SigV4 Authorization
// parsing, and the error envelope {"__type": ..., "message": ...} with its
// HTTP status. It has no domain knowledge: services register their
// operations and return *Error values for the errors their clients expect.
//
// Invariants:
//   - Every response is either the operation's JSON result with status 200,
//     or an error envelope whose __type is set and whose status is 4xx for
//     the caller's mistakes and 500 for ours; the error type is also sent in
//     the X-Amzn-ErrorType header.
//   - A handler gets the whole request body, at most Server.MaxBody bytes;
//     it must not keep the slice after it returns (the buffer is reused).
//   - Requests are accepted with any SigV4 credentials (or none); the access
//     key, when present, is available to handlers through AccessKey.
package awsjson
