package warehouse

// The statement front end: the one way client text becomes something
// DuckDB runs. Every path that runs a client's statement goes through it:
// the statements of a script (Execute: the simple query protocol, schedule
// bodies, the HTTP query API), Prepare, the re-plan of a statement whose
// translation embeds its start time (planTimed), a procedure's statements
// (procSession.Prepare) and a CALL's arguments, and the queries of DECLARE
// CURSOR and COPY (query) TO STDOUT.
//
//	text --bsql.CatalogCompat--> --bsql.Translate--> --hexLiterals--> --plan--> *plan
//
// read is the first three steps; planText adds the plan.

import (
	"context"
	"time"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
)

// reading is one statement read by the front end.
type reading struct {
	// text is the statement after the Postgres catalog rule: the text
	// error positions and the translation refer to.
	text string
	tr   *bsql.Translation
	opts bsql.Options
}

// read applies the Postgres catalog rule, translates text with opts (the
// session's settings and the statement's start: see readNow), and reads
// its bytea hex literals.
func (s *Session) read(ctx context.Context, text string, opts bsql.Options) (*reading, error) {
	if q, ok := bsql.CatalogCompat(text, CatalogSchema); ok {
		text = q
	}
	tr, err := bsql.Translate(text, opts)
	if err != nil {
		return nil, err
	}
	if err := s.hexLiterals(ctx, tr, opts, text); err != nil { // exec_params.go
		return nil, err
	}
	return &reading{text: text, tr: tr, opts: opts}, nil
}

// readNow reads text under the session's settings, starting now.
func (s *Session) readNow(ctx context.Context, text string) (*reading, error) {
	opts := s.Options()
	opts.StatementTime = time.Now()
	return s.read(ctx, text, opts)
}

// planText is the front end: it reads one statement of client text and
// plans it. Errors, and those of the plan's runs (through plan.locate),
// have positions relative to text.
func (s *Session) planText(ctx context.Context, text string) (*plan, error) {
	r, err := s.readNow(ctx, text)
	if err != nil {
		return nil, err
	}
	return s.planRead(ctx, text, r)
}

// planRead plans a statement read from text.
func (s *Session) planRead(ctx context.Context, text string, r *reading) (*plan, error) {
	locate := func(err error) error {
		if r.tr.SQL != "" && r.tr.SQL != r.text {
			// DuckDB's positions point into the translation, not the client's text.
			err = mapPosition(err, r.tr.SQL, r.text)
		}
		return err
	}
	pl, err := s.planTimed(ctx, text, r) // exec_translated.go
	if err != nil {
		return nil, locate(err)
	}
	pl.locate = locate
	return pl, nil
}

// planPiece plans one statement of script (see planText), with error
// positions relative to the script. A statement that fails to plan aborts
// the transaction block (one that fails to read is reported only).
func (s *Session) planPiece(ctx context.Context, script string, p bsql.Piece) (*plan, error) {
	// Cancel and statement_timeout reach planning too: DuckDB's binding
	// and planning of a large statement can take long.
	ctx, g, err := s.guard(ctx)
	if err != nil {
		return nil, err
	}
	defer g.stop()
	r, err := s.readNow(ctx, p.Text)
	if err != nil {
		return nil, shiftPosition(g.explain(err), script, p.Offset)
	}
	pl, err := s.planRead(ctx, p.Text, r)
	if err != nil {
		err = shiftPosition(g.explain(err), script, p.Offset)
		s.failed(err)
		return nil, err
	}
	locate := pl.locate
	pl.locate = func(err error) error { return shiftPosition(locate(err), script, p.Offset) }
	pl.text = p.Text
	return pl, nil
}
