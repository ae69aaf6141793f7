// Package lex tokenizes Postgres/Redshift SQL text.
//
// Invariants:
//   - Every token carries the byte offsets [Pos, End) of its text in the
//     input, so src[tok.Pos:tok.End] is exactly what the user wrote.
//   - Tokens are contiguous apart from whitespace and (unless KeepComments)
//     comments: nothing else is skipped.
//   - Lexing never panics; malformed input (an unterminated quote, comment or
//     dollar-quoted body) yields an *Error with the offset where it starts.
//   - Plain string literals follow standard_conforming_strings: only a doubled quote is an
//     escape. Backslash escapes apply in E'...' strings only.
//
// The lexer is shared by the SQL parser and the PL/pgSQL interpreter, which
// lexes procedure bodies with it.
package lex
