// Package web serves blueshift's dashboard and its HTTP JSON API (the API is
// documented in docs/dashboard.md).
//
// The dashboard is a front end built from ui/ (CodeMirror 6, Apache ECharts,
// Vite) into dist/, which is committed and embedded: the binary serves every
// asset itself. Its pages: the pipeline (live over server-sent events), a
// query editor with paged results and charts, and dashboards of saved
// charts, each at its own URL (the one page routes on the path).
//
// The API, under /api/: logins (login, logout, me); queries run in the
// background (start, status, rows by page, CSV, cancel) and the user's
// history; the schema for completion; the pipeline once or as events;
// dashboards (list, create, get, replace, delete); and the status endpoints
// (streams, views, refreshes, schedules) with POST /api/query.
//
// Invariants:
//   - With no users configured, only loopback clients are served, as
//     Options.User. With users, each request is authenticated (session
//     cookie, or HTTP basic credentials); a write made with the cookie must
//     carry the session's CSRF token.
//   - A read-only user's warehouse sessions refuse statements that write
//     (SQLSTATE 25006), and the dashboard and schedule writes refuse them
//     (403): read-only is enforced on the server, never only in the page.
//   - Every request runs in warehouse sessions of its own, as its user; the
//     dashboard's own catalog rows (dashboards, query history) are read and
//     written as Options.User, with parameters, never pasted text.
//   - A query started with POST /api/queries spools its rows to a temporary
//     file as they arrive; pages are read from it, so no one holds a large
//     result in memory. Cancelling cancels the statement's context.
//   - Schedule requests are turned into SQL statements (CREATE SCHEDULE and
//     the rest) by printing a syntax tree, never by pasting text.
//   - Errors are {"error": {"code": SQLSTATE, "message", "position"}} with
//     400 for errors in the request or its SQL, 401/403 for who may not,
//     404 for missing objects, 409 for an existing one, 500 for the rest.
//     This package is the HTTP edge: it decides the status codes.
//   - POST /api/query results are capped (Options.MaxRows) and spooled
//     results too (Options.MaxSpoolRows); a capped result says so
//     ("truncated": true), it is never cut silently.
package web
