// Package parser reads one Redshift SQL statement into the ast package's
// tree.
//
// Invariants:
//   - Parse never panics; every rejection is an *sqlerr.Error with a SQLSTATE
//     (42601 for syntax, 0A000 for recognised but unsupported constructs) and a
//     1-based Position into the text it was given.
//   - Statements the parser does not model come back as *ast.Raw holding the
//     text unchanged, so coverage never falls below DuckDB's own.
//   - Identifiers keep the case and quoting the user wrote (ast.Ident); case
//     folding is a rewrite, because it depends on session settings.
package parser
