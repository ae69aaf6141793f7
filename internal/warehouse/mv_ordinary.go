package warehouse

// Ordinary (non-streaming) materialized views: the functions
// exec_materialized_view.go calls for kind 'ordinary'. Until incremental
// refresh of ordinary views exists, each says so with 0A000; replace this
// file (keeping the signatures) to implement them. Catalog rows go in
// blueshift_catalog.materialized_views with kind 'ordinary' (mv_catalog.go),
// refreshes in mv_refresh_history through recordRefresh.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// errOrdinaryMVNotSupported is the one answer of the placeholders below.
func errOrdinaryMVNotSupported(what string) error {
	return sqlerr.New(sqlerr.FeatureNotSupported, "%s of a materialized view that does not read a stream is not supported yet", what)
}

// createOrdinaryMV creates a materialized view whose query reads tables and
// views (no external stream). text is the whole statement as the client sent it.
func (s *Session) createOrdinaryMV(ctx context.Context, n *ast.CreateMaterializedView, text string) (*Result, error) {
	return nil, errOrdinaryMVNotSupported("CREATE MATERIALIZED VIEW")
}

// refreshOrdinaryMV refreshes an ordinary materialized view.
func (s *Session) refreshOrdinaryMV(ctx context.Context, mv *mvRow, n *ast.RefreshMaterializedView) (*Result, error) {
	return nil, errOrdinaryMVNotSupported("REFRESH MATERIALIZED VIEW")
}

// alterOrdinaryMV sets AUTO REFRESH on an ordinary materialized view.
func (s *Session) alterOrdinaryMV(ctx context.Context, mv *mvRow, n *ast.AlterMaterializedView) (*Result, error) {
	return nil, errOrdinaryMVNotSupported("ALTER MATERIALIZED VIEW")
}

// dropOrdinaryMV drops an ordinary materialized view: its table, its
// catalog row and whatever state it keeps.
func (s *Session) dropOrdinaryMV(ctx context.Context, mv *mvRow, n *ast.DropMaterializedView) error {
	return errOrdinaryMVNotSupported("DROP MATERIALIZED VIEW")
}
