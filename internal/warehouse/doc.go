// Package warehouse is blueshift's SQL engine: one DuckDB database file in the
// data directory, sessions over it, and the statements blueshift executes
// itself. It is the only package that imports the DuckDB driver.
//
// # Structure
//
//   - warehouse.go: Open, Close, the DuckDB file and the sessions it serves.
//   - catalog.go: the blueshift_catalog schema and its ordered migrations.
//     Engine features that keep state (external schemas, materialized views,
//     procedures, schedules, checkpoints) add a migration there, so their
//     catalog rows commit atomically with the data they describe.
//   - session.go: a client session: its own DuckDB connection, settings,
//     Execute, Prepare and Run.
//   - frontend.go: the one front end from statement text to a plan.
//   - txn.go: the transaction state machine (none, open, implicit, aborted;
//     a procedure's own transactions) and what follows each transaction's
//     end.
//   - exec.go: the one dispatch on statement kinds (a type switch over
//     internal/sql/ast). A new engine statement is a `case` there plus its own
//     exec_<thing>.go file.
//   - result.go, types.go: result sets, column descriptions and values in a
//     driver-neutral form that pgwire and the HTTP API encode.
//   - errors.go: DuckDB errors classified into *sqlerr.Error codes. SQLSTATEs
//     are decided here; only the protocol edges render them.
//   - querylog.go: the statements run lately and the open sessions, in
//     memory (runPlan records each), which Redshift's monitoring views
//     read through table functions (sysviews_query.go).
//
// # From a client's text to DuckDB and back
//
// A simple query (pgwire's Query message, a schedule's body, the HTTP
// query API) reaches Session.Execute, which cuts the script into
// statements with bsql.Split; Results.Next runs them one at a time. A
// prepared statement (pgwire's Parse) reaches Session.Prepare. Both go
// through the one front end (frontend.go):
//
//   - Session.planPiece / Session.planText: read, then plan;
//   - Session.read: bsql.CatalogCompat (the Postgres catalog rule, on the
//     lexer's tokens), bsql.Translate (parse to internal/sql/ast, rewrite,
//     print DuckDB SQL), hexLiterals (exec_params.go: bytea literals);
//   - Session.planTimed (exec_translated.go): Session.plan, the one
//     dispatch on the statement's type (exec.go: engine statements get a
//     case there and an exec_<thing>.go file; everything else is DuckDB SQL
//     prepared by planDuck), wrapped by trackWrites (mv_changes.go) and, when
//     the translation embeds GETDATE(), by a re-read through Session.read at
//     each later run. Procedure statements (procSession.Prepare), CALL
//     arguments, DECLARE CURSOR's and COPY's queries take the same path.
//
// The plan runs in Session.runPlan (session.go): the transaction state
// machine (txn.go) decides whether it may run (25P02 in an aborted block)
// and in which transaction; Results.implicitFor opens a script's implicit
// transaction. DuckDB's rows come back as a streaming Result (result.go),
// its errors through classify (errors.go) as *sqlerr.Error, with positions
// mapped back to the client's text (plan.locate); pgwire and the HTTP API
// encode both.
//
// # Invariants
//
//   - Every statement a client sends passes through internal/sql (Split,
//     then the front end: CatalogCompat and Translate) before it reaches
//     DuckDB; error positions are 1-based character offsets into the text
//     the client sent.
//   - A Session is used by one goroutine at a time; only Cancel may be called
//     concurrently, and it interrupts the statement running at that moment.
//   - Outside a transaction block every statement commits on its own
//     (autocommit), except that a script of several statements (one simple
//     query) runs as one implicit transaction, as in Postgres: it commits
//     at its end and an error rolls all of it back. Inside a block, the
//     first error aborts the block: every statement but ROLLBACK (or
//     COMMIT, which then rolls back) fails with 25P02, as in Postgres.
//   - What clients read from the Postgres catalog is Postgres's: type OIDs
//     and typmods in pg_attribute (with the VARCHAR/CHAR/VARBYTE lengths
//     CREATE TABLE declared, which DuckDB drops, kept in
//     blueshift_catalog.column_types), format_type's names, pg_database;
//     pg_class with relkind 'm' for materialized views and the owner who
//     created each object (blueshift_catalog.object_owners); pg_proc with
//     the user's stored procedures and none of blueshift's own macros;
//     current_user as the connected user (compat.go, compat_catalog.go,
//     column_types.go, owners.go).
//   - Results stream: a SELECT runs as a DuckDB streaming query (the
//     patched driver's QueryStreamingContext, third_party/duckdb-go), so
//     DuckDB computes its rows a chunk at a time as Result.Next hands them
//     out; neither side holds a result set whole. The statement runs until
//     its Result closes: Cancel and statement_timeout reach it while its
//     rows are read. A connection streams one result at a time: before it
//     runs anything else, Conn.yield reads the rest of the streaming one
//     into memory (two portals read in turns, engine code in between).
//     Other statements' results (INSERT ... RETURNING, EXPLAIN) are
//     materialized by DuckDB, which can spill them.
//   - Engine code runs DuckDB SQL in the session's current transaction with
//     Session.Conn, as one unit with Session.Atomic, or in a transaction of its
//     own on a fresh connection with Warehouse.Update.
//   - The catalog schema is migrated at Open, inside one transaction per
//     migration; a migration runs at most once per database file.
package warehouse
