// Package awsjson is the plumbing of AWS's JSON 1.0/1.1 protocols, shared by
// the Kinesis and DynamoDB APIs: dispatch on X-Amz-Target
// ("<ServicePrefix>.<Operation>"), AWS's answers at the protocol's edges
// (methods, content types, CORS preflight, the deprecated application/json
// envelope), CBOR bodies translated to and from JSON, SigV4 authentication,
// model-driven input checks (Shape: member types, then constraints, with
// AWS's texts), and the error envelope {"__type": ..., "message": ...} with
// its HTTP status. It has no domain knowledge: services register their
// operations and input shapes and return *Error values for the errors their
// clients expect.
//
// Invariants:
//   - Checks run in AWS's order: method, content type, body present and
//     well formed, target known, member types, authentication, constraints,
//     then the operation; each failure is answered as AWS answers it.
//   - Every routed response is the operation's result with status 200 (an
//     empty body for a nil result), or an error envelope whose __type is set
//     and whose status is 4xx for the caller's mistakes and 500 for ours;
//     the error type is also sent in the X-Amzn-ErrorType header.
//     SerializationException's text goes under "Message", others' under
//     "message" (Error.MessageKey), and an empty text is left out.
//   - A handler gets the whole request body (as JSON, also for CBOR
//     requests), at most Server.MaxBody bytes; it must not keep the slice
//     after it returns (the buffer is reused).
//   - Every request needs a well-formed SigV4 Authorization header (or
//     presigned query). Without configured credentials any key is accepted;
//     with them (SetCredentials) signatures are verified and other keys
//     refused. The access key is available to handlers through AccessKey.
package awsjson
