// Package plpgsql is blueshift's stored-procedure language: a parser for
// Redshift's PL/pgSQL into its own tree, and an interpreter that runs that
// tree over a Session (the warehouse implements it).
//
// Invariants:
//
//   - Every SQL statement and every expression in a body is run by the
//     Session, through the same dialect front end as top-level SQL. The
//     interpreter evaluates nothing itself: `x := a + 1` runs as
//     `SELECT CAST(($1 + 1) AS <type of x>)` with a bound as $1, as Postgres
//     does. Variables reach SQL only as bound parameters, never spliced text.
//   - A body is parsed once. Parsing resolves every variable reference to a
//     slot and produces each statement's final SQL text, so a loop iteration
//     neither re-parses nor re-prints; the interpreter keeps one prepared
//     statement per node for the duration of a call.
//   - Transactions follow Redshift. In an atomic procedure (the default) the
//     call runs in one transaction unless the body commits: COMMIT, ROLLBACK
//     and TRUNCATE end the current transaction and start a new one, and are
//     refused when the call is inside a transaction block. An error rolls back
//     the current transaction; an EXCEPTION handler then runs in a new
//     transaction that commits when the handler ends, and the error is raised
//     again. In a NONATOMIC procedure each statement commits on its own unless
//     the body opened a transaction with START TRANSACTION, and a handled error
//     is not raised again.
//   - Errors are *sqlerr.Error with Postgres SQLSTATEs: RAISE EXCEPTION is
//     P0001, SELECT INTO STRICT gives P0002/P0003, a CASE without a match 20000.
//   - Cursors: OPEN var FOR query, var a refcursor variable or argument, runs
//     as the Session's DECLARE "name" CURSOR FOR query, named by var's value
//     (or "<unnamed portal n>", n counting within the call, when NULL), so
//     the caller FETCHes from it in its transaction. Bound cursors and FETCH,
//     MOVE and CLOSE in a body are refused (0A000).
package plpgsql
