// Package expr holds DynamoDB's expression languages: condition and filter
// expressions, key condition expressions, update expressions and projection
// expressions, each parsed to an AST that prints deterministically (Format)
// and is evaluated against attr.Item values; and the legacy request
// parameters (Expected, AttributeUpdates, KeyConditions, QueryFilter,
// ScanFilter, AttributesToGet), converted to the same AST.
//
// # Contract
//
//   - Parsing resolves #name and :value placeholders through a Params, which
//     records which placeholders were used so that CheckUnused can give
//     DynamoDB's error once every expression of a request is parsed.
//   - Every error a request can cause is an *Error whose Msg is DynamoDB's
//     text, sent as a ValidationException by the protocol layer. Checks run in
//     DynamoDB's order: syntax first, then names and values, then semantics.
//   - Format(Parse(x)) parses, with the same Params, to an AST equal to
//     Parse(x): names and values print as written (#n, :v, bare names), and
//     parentheses only where precedence needs them.
//   - Evaluation never modifies its input item; Update.Apply returns a new
//     item sharing unchanged values with the old one. Number arithmetic is
//     decimal (attr.AddNumbers), never float64.
//   - Comparing values of different types is false, not an error, as in
//     DynamoDB.
//
// # Sources and deviations
//
// Error texts come from real DynamoDB responses quoted in client projects'
// tests and issues, ScyllaDB Alternator's tests (run against DynamoDB),
// and dynalite's validations; each test says which. Texts not confirmed
// that way are our best reading: the operator-count limit ("The expression
// contains too many operators; operator count: N") and the type names in "Incorrect operand type ... operator or function:
// <, operand type: L" for an ordering on a list constant. Legacy
// ConditionalOperator without conditions is not refused.
package expr
