// Package web serves blueshift's HTTP query API and its dashboard.
//
// The API (JSON over HTTP, mounted under /api/):
//
//	POST   /api/query                    run SQL (a script): {"sql": "..."} -> {"results": [...]}
//	GET    /api/streams                  streams, their shards and the views reading them, with lag
//	GET    /api/views                    materialized views (STV_MV_INFO) with freshness
//	GET    /api/refreshes                recent refreshes (SYS_MV_REFRESH_HISTORY)
//	GET    /api/schedules                schedules (SYS_SCHEDULES)
//	POST   /api/schedules                create: {"name", "every": "30 seconds" | "cron": "*/5 * * * *", "sql", "paused"}
//	POST   /api/schedules/{name}/pause   pause (resume likewise)
//	DELETE /api/schedules/{name}         drop
//	GET    /api/schedules/{name}/history runs (SYS_SCHEDULE_HISTORY)
//	GET    /api/config                   what the dashboard needs to start (its live query)
//
// The dashboard (GET /) is plain HTML and JavaScript embedded in the binary;
// it polls the API.
//
// Invariants:
//   - Every request runs in a warehouse session of its own, closed when the
//     request ends; the request's context cancels the statement running.
//   - Schedule requests are turned into the SQL statements (CREATE SCHEDULE
//     and the rest) by printing a syntax tree, never by pasting text: the
//     HTTP API and SQL have one implementation and one set of rules.
//   - Errors are {"error": {"code": SQLSTATE, "message", "position"}} with
//     400 for errors in the request's SQL, 404 for missing objects, 500 for
//     the rest. This package is the HTTP edge: it decides the status codes.
//   - Query results are capped (Options.MaxRows); a capped result says so
//     ("truncated": true), it is never cut silently.
package web
