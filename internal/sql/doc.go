// Package sql is blueshift's Redshift SQL front end: a lexer (package lex),
// a statement splitter, a parser (package parser) to the ast package's tree,
// rewrite rules and a printer to DuckDB SQL. It imports no database, so it
// tests without one.
//
// Pipeline: Split cuts a script into statements (offsets kept); Translate
// parses one and, for statements DuckDB runs (DuckDBRuns), applies the
// rules in order on a copy of the tree and prints DuckDB SQL. The rules are
// listed, in order, in rules (rewrite.go); each is a function over the
// whole statement.
//
// Invariants:
//   - No regular expression ever reads SQL text; everything goes through the
//     lexer and the parser.
//   - Translate and Print never change the tree they are given: rewrites work
//     on ast.Clone. Translation.Stmt is the tree as parsed.
//   - Unsupported syntax fails with SQLSTATE 0A000 naming the construct;
//     syntax errors are 42601; both carry a 1-based Position in the
//     statement's text when Translate knows it.
//   - Statements the parser does not model pass through unchanged (ast.Raw).
//     EXPLAIN is modeled: its statement is translated as it would be alone
//     and never passes raw; what Redshift cannot explain is 0A000
//     (explain.go).
//   - Division and modulo by zero raise 22012 whatever the operand types;
//     integer / integer truncates (the prelude sets DuckDB's
//     integer_division).
//   - SUPER is DuckDB's VARIANT. PartiQL navigation prints as DuckDB's
//     native VARIANT field access; casts of SUPER paths print as TRY_CAST
//     (lax mode: a missing path, a wrong type or a failed cast is NULL).
//     PartiQL subscripts are 0-based and print 1-based.
//   - A block that reads eight or more field paths of one SUPER column as
//     scalars (lax casts, text) or unnests one extracts them all with one
//     json_extract a row (rule super-shared-extraction, extract.go); each
//     read gives exactly the answer of the unshared path.
//   - A SUPER column stored as JSON text (Options.JSONColumns names it:
//     a streaming view's records) reads as exactly the VARIANT of its text:
//     a block's field paths of it, from one on, are elements of one shared
//     json_extract, converted to VARIANT element by element where needed;
//     any other read goes through SELECT * REPLACE (rs_json_super(c) AS c)
//     (rule super-json-at-rest, jsonrest.go). rs_json_super is
//     CAST(c AS VARIANT), except for a text the ingest marked with a
//     leading space (it holds a number DuckDB's conversion would make a
//     double), which is built exactly; a shared extraction reads such a
//     document's paths from that exact form (rs_json_exact).
//   - A PartiQL unnest in FROM prints in DuckDB's fast form, a select-list
//     unnest over ::JSON::JSON[] in a subquery that wraps the range variable
//     the path is rooted at; LEFT JOIN ... ON TRUE keeps rows whose array is
//     empty or missing.
//   - Unnamed columns are named as Postgres names them (count, the
//     function's name, a cast's column, a path's last step) in every SELECT
//     block, except where that would repeat a name the block already has;
//     a query's own result also names operators "?column?" and may repeat.
//   - Identifiers fold as Redshift folds them (Fold): unquoted to lower case;
//     quoted keep their case only with enable_case_sensitive_identifier;
//     SUPER steps keep theirs with enable_case_sensitive_super_attribute.
//     Names print in their catalog form (CatalogName), so that names that
//     differ only in case name different objects in DuckDB's
//     case-insensitive catalog; the warehouse shows them back with
//     DisplayName.
//
// Known deviations from Redshift:
//   - GETDATE() keeps microseconds, where Redshift's has whole seconds, so
//     that a watermark taken with it orders correctly against arrival
//     timestamps taken in the same second (the reference procedure's audit
//     pattern). It is the statement's start only when Options.StatementTime
//     is set; otherwise it is the transaction's start.
//   - VARCHAR(n) and CHAR(n) lengths are enforced on INSERT and UPDATE only
//     for the tables Options.CharLimits knows (a cast truncates); CHAR is
//     not padded.
//   - TO_CHAR's numeric formats print through the warehouse's
//     rs_to_char_number (FormatNumber); RN, TH, V and EEEE are not read.
//   - AVG prints as rs_avg(sum(x), count(x)), which the warehouse defines
//     (BIGINT for integers); AVG of a DECIMAL(p, s) is the quotient
//     truncated to s decimals, cast to DECIMAL(38, s) where s is visible
//     (avgscale.go) and typed DOUBLE elsewhere.
//   - Regular expressions are RE2's; REGEXP_INSTR's 'e' parameter is 0A000.
//   - A SQL user-defined function prints as a DuckDB macro (function.go):
//     untyped, so calls are not checked against its argument types.
//   - TRUNC(x) with one argument is the date of a timestamp only when x is
//     visibly a timestamp (a cast, GETDATE(), DATEADD, ...); column types are
//     not known here. SIMILAR TO takes only a string-literal pattern.
//   - IS_FLOAT is true for every number with a fraction or an exponent
//     (JSON_PARSE reads them as doubles, where Redshift keeps decimals).
//   - Casting a SUPER object or array to VARCHAR is NULL when the operand
//     is visibly SUPER (a path, JSON_PARSE, a cast to SUPER); a SUPER column
//     cast directly still prints its JSON text. docs/sql.md lists the rest.
//   - EXPLAIN VERBOSE prints as EXPLAIN (DuckDB's plan has no verbose
//     form); EXPLAIN ANALYZE is refused for writes (explain.go).
package sql
