package warehouse

// CREATE, REFRESH, ALTER and DROP MATERIALIZED VIEW: the one dispatch
// between streaming views (streaming_mv.go, refresh.go, autorefresh.go) and
// ordinary ones (mv_ordinary.go). CREATE decides by the query: a query that
// reads a stream of an external schema makes a streaming view. The other
// statements read the kind from the catalog (mv_catalog.go).

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

func (s *Session) planCreateMV(n *ast.CreateMaterializedView, text string) *plan {
	return &plan{command: "CREATE MATERIALIZED VIEW", run: func(ctx context.Context, _ []any) (*Result, error) {
		ref, ok, err := s.streamRefOf(ctx, n.Q)
		if err != nil {
			return nil, err
		}
		if !ok {
			return s.createOrdinaryMV(ctx, n, text)
		}
		return s.createStreamingMV(ctx, n, ref)
	}}
}

func (s *Session) planRefreshMV(n *ast.RefreshMaterializedView) *plan {
	return &plan{command: "REFRESH MATERIALIZED VIEW", run: func(ctx context.Context, _ []any) (*Result, error) {
		mv, err := s.findMV(ctx, n.Name)
		if err != nil {
			return nil, err
		}
		if mv.kind == mvOrdinary || n.Cascade {
			return s.refreshMVs(ctx, mv, n) // mv_ordinary.go
		}
		return s.refreshStreamingMV(ctx, mv)
	}}
}

func (s *Session) planAlterMV(n *ast.AlterMaterializedView) *plan {
	return &plan{command: "ALTER MATERIALIZED VIEW", run: func(ctx context.Context, _ []any) (*Result, error) {
		mv, err := s.findMV(ctx, n.Name)
		if err != nil {
			return nil, err
		}
		if mv.kind == mvOrdinary {
			return s.alterOrdinaryMV(ctx, mv, n)
		}
		return s.alterStreamingMV(ctx, mv, n.AutoRefresh)
	}}
}

func (s *Session) planDropMV(n *ast.DropMaterializedView) *plan {
	return &plan{command: "DROP MATERIALIZED VIEW", run: func(ctx context.Context, _ []any) (*Result, error) {
		for _, name := range n.Names {
			mv, ok, err := s.lookupMV(ctx, s.conn, name)
			if err != nil {
				return nil, err
			}
			if !ok {
				if n.IfExists {
					s.Notify(Notice{Severity: "NOTICE", Code: string(sqlerr.SuccessfulCompletion),
						Message: "materialized view " + quoteIdent(ast.Format(name.Last())) + " does not exist, skipping"})
					continue
				}
				return nil, errNoMV(name)
			}
			if err := s.dropMV(ctx, mv, n.Cascade); err != nil {
				return nil, err
			}
		}
		return commandResult("DROP MATERIALIZED VIEW"), nil
	}}
}

// findMV is lookupMV for statements that need the view: 42P01 when there is
// none.
func (s *Session) findMV(ctx context.Context, n ast.Name) (*mvRow, error) {
	mv, ok, err := s.lookupMV(ctx, s.conn, n)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoMV(n)
	}
	return mv, nil
}
