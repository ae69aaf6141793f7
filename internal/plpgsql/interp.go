package plpgsql

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Options say how a call runs.
type Options struct {
	// Nonatomic is the procedure's NONATOMIC mode.
	Nonatomic bool
	// NoTxnControl forbids COMMIT, ROLLBACK and TRUNCATE in the body: the
	// call is inside a transaction block, or a procedure up the call chain
	// was created with SET options. Reason names which, for the error.
	NoTxnControl bool
	Reason       string
	// Name is the procedure's name, for error context.
	Name string
}

// Run executes body with argument values (one per parameter; OUT parameters
// take nil) and returns the final values of the OUT and INOUT parameters,
// in declaration order.
//
// In an atomic procedure, Run opens a transaction when the session has none
// and commits it at the end (rolls it back on error); otherwise the caller's
// transaction holds the work.
func Run(ctx context.Context, s Session, body *Body, args []any, opts Options) (outs []any, err error) {
	if len(args) != len(body.Params) {
		return nil, sqlerr.New(sqlerr.UndefinedFunction, "procedure %s takes %d arguments, got %d", opts.Name, len(body.Params), len(args))
	}
	x := &exec{s: s, body: body, opts: opts, vals: make([]any, len(body.Slots)), prepared: map[*Frag]Prepared{}}
	defer x.closeAll()
	copy(x.vals, args)
	x.vals[x.foundSlot()] = false

	own := !opts.Nonatomic && !s.InTransaction()
	if own {
		if err := s.Begin(ctx); err != nil {
			return nil, err
		}
	}
	_, err = x.block(ctx, body.Block)
	var re *rethrown
	if errors.As(err, &re) {
		err = re.err
	}
	if err != nil {
		if s.InTransaction() && (own || opts.Nonatomic && x.explicit) {
			_ = s.Rollback(ctx)
		}
		return nil, err
	}
	for i, p := range body.Params {
		if p.Mode == In {
			continue
		}
		v := x.vals[i]
		if p.Type != "" && v != nil {
			if v, err = x.cast(ctx, v, p.Type); err != nil {
				if own {
					_ = s.Rollback(ctx)
				}
				return nil, err
			}
		}
		outs = append(outs, v)
	}
	if own || (opts.Nonatomic && x.explicit && s.InTransaction()) {
		if err := s.Commit(ctx); err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// record is the value of a RECORD variable: one row with its column names.
type record struct {
	cols []string
	vals []any
}

func (r *record) field(name string) (int, bool) {
	for i, c := range r.cols {
		if strings.EqualFold(c, name) {
			return i, true
		}
	}
	return 0, false
}

// ctrl is how a statement list ended.
type ctrl int

const (
	ctrlNone ctrl = iota
	ctrlExit
	ctrlContinue
	ctrlReturn
)

// flow is a control transfer: EXIT/CONTINUE with an optional label, or RETURN.
type flow struct {
	kind  ctrl
	label string
}

// rethrown is an error that an atomic procedure's handler already handled:
// it ends the procedure and no outer handler of the same procedure catches it.
type rethrown struct{ err error }

func (r *rethrown) Error() string { return r.err.Error() }
func (r *rethrown) Unwrap() error { return r.err }

type exec struct {
	s        Session
	body     *Body
	opts     Options
	vals     []any
	prepared map[*Frag]Prepared
	rowCount int64
	explicit bool            // NONATOMIC: START TRANSACTION is open
	portals  int             // cursors OPEN has named
	errs     []*sqlerr.Error // errors being handled, innermost last (for RAISE;)
}

func (x *exec) foundSlot() int { return x.body.Found }

func (x *exec) closeAll() {
	for _, p := range x.prepared {
		_ = p.Close()
	}
}

// run executes a frag with its variables bound.
func (x *exec) run(ctx context.Context, f *Frag) (*Result, error) {
	p, ok := x.prepared[f]
	if !ok {
		var err error
		if p, err = x.s.Prepare(ctx, f.SQL); err != nil {
			return nil, err
		}
		x.prepared[f] = p
	}
	args := make([]any, len(f.Refs))
	for i, r := range f.Refs {
		v, err := x.get(r)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	return p.Run(ctx, args)
}

// eval evaluates an expression frag to one value.
func (x *exec) eval(ctx context.Context, f *Frag) (any, error) {
	res, err := x.run(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(res.Rows) == 0 || len(res.Rows[0]) == 0 {
		return nil, nil
	}
	if len(res.Rows) > 1 {
		return nil, sqlerr.New(sqlerr.CardinalityViolation, "query %q returned more than one row", f.Text)
	}
	if len(res.Rows[0]) > 1 {
		return nil, sqlerr.New(sqlerr.SyntaxError, "query %q returned %d columns", f.Text, len(res.Rows[0]))
	}
	return res.Rows[0][0], nil
}

func (x *exec) cond(ctx context.Context, f *Frag, what string) (bool, error) {
	v, err := x.eval(ctx, f)
	if err != nil {
		return false, err
	}
	switch v := v.(type) {
	case nil:
		return false, nil
	case bool:
		return v, nil
	}
	return false, sqlerr.New(sqlerr.DatatypeMismatch, "argument of %s must be type boolean, not %T", what, v)
}

func (x *exec) cast(ctx context.Context, v any, typ string) (any, error) {
	f := &Frag{Text: "$1", SQL: "SELECT CAST($1 AS " + typ + ")"}
	p, err := x.s.Prepare(ctx, f.SQL)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	res, err := p.Run(ctx, []any{v})
	if err != nil {
		return nil, err
	}
	if len(res.Rows) == 1 && len(res.Rows[0]) == 1 {
		return res.Rows[0][0], nil
	}
	return v, nil
}

func (x *exec) get(r Ref) (any, error) {
	v := x.vals[r.Slot]
	if r.Field == "" {
		if _, ok := v.(*record); ok {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "record %q cannot be used as a value; use its fields", x.body.Slots[r.Slot].Name)
		}
		return v, nil
	}
	rec, ok := v.(*record)
	if !ok {
		return nil, sqlerr.New(sqlerr.ObjectNotInPrerequisiteState, "record %q is not assigned yet", x.body.Slots[r.Slot].Name)
	}
	i, ok := rec.field(r.Field)
	if !ok {
		return nil, sqlerr.New(sqlerr.UndefinedColumn, "record %q has no field %q", x.body.Slots[r.Slot].Name, r.Field)
	}
	return rec.vals[i], nil
}

func (x *exec) set(r Ref, v any) error {
	s := x.body.Slots[r.Slot]
	if r.Field != "" {
		rec, ok := x.vals[r.Slot].(*record)
		if !ok {
			return sqlerr.New(sqlerr.ObjectNotInPrerequisiteState, "record %q is not assigned yet", s.Name)
		}
		i, ok := rec.field(r.Field)
		if !ok {
			return sqlerr.New(sqlerr.UndefinedColumn, "record %q has no field %q", s.Name, r.Field)
		}
		rec.vals[i] = v
		return nil
	}
	if v == nil && s.NotNull {
		return sqlerr.New(sqlerr.NullValueNotAllowed, "null value cannot be assigned to variable %q declared NOT NULL", s.Name)
	}
	x.vals[r.Slot] = v
	return nil
}

// into assigns a result's first row to targets (SELECT INTO, EXECUTE INTO).
func (x *exec) into(res *Result, targets []Ref, strict bool) error {
	if strict {
		if len(res.Rows) == 0 {
			return sqlerr.New(sqlerr.NoDataFound, "query returned no rows")
		}
		if len(res.Rows) > 1 {
			return sqlerr.New(sqlerr.TooManyRows, "query returned more than one row")
		}
	}
	var row []any
	if len(res.Rows) > 0 {
		row = res.Rows[0]
	} else {
		row = make([]any, len(res.Columns))
	}
	if len(targets) == 1 && targets[0].Field == "" && x.body.Slots[targets[0].Slot].Record {
		x.vals[targets[0].Slot] = &record{cols: res.Columns, vals: append([]any(nil), row...)}
		return nil
	}
	for i, t := range targets {
		var v any
		if i < len(row) {
			v = row[i]
		}
		if err := x.set(t, v); err != nil {
			return err
		}
	}
	return nil
}

func (x *exec) setFound(b bool) { x.vals[x.foundSlot()] = b }

// asError classifies any error as *sqlerr.Error.
func asError(err error) *sqlerr.Error {
	if e, ok := sqlerr.As(err); ok {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &sqlerr.Error{Code: sqlerr.QueryCanceled, Message: "canceling statement due to user request", Err: err}
	}
	return &sqlerr.Error{Code: sqlerr.InternalError, Message: err.Error(), Err: err}
}

func (x *exec) block(ctx context.Context, b *Block) (flow, error) {
	for _, d := range b.Decls {
		x.vals[d.Slot] = nil
		if d.Default != nil {
			v, err := x.eval(ctx, d.Default)
			if err != nil {
				return flow{}, err
			}
			if err := x.set(Ref{Slot: d.Slot}, v); err != nil {
				return flow{}, err
			}
		}
	}
	var fl flow
	var err error
	if len(b.Handlers) == 0 {
		fl, err = x.stmts(ctx, b.Body)
	} else {
		for i := 0; i < len(b.Body); i++ {
			fl, err = x.stmt(ctx, b.Body[i])
			if err == nil {
				if fl.kind != ctrlNone {
					break
				}
				continue
			}
			var handled bool
			fl, handled, err = x.handle(ctx, b, err)
			if !handled || err != nil || !b.Continue || fl.kind != ctrlNone {
				break
			}
			// CONTINUE_HANDLER: go on after the failed statement.
		}
	}
	if err != nil {
		return flow{}, err
	}
	if fl.kind == ctrlExit && fl.label != "" && fl.label == b.Label {
		return flow{}, nil
	}
	return fl, nil
}

// handle runs the handler of b that matches err, with Redshift's
// transaction rules. It reports whether a handler matched.
func (x *exec) handle(ctx context.Context, b *Block, err error) (flow, bool, error) {
	var re *rethrown
	if errors.As(err, &re) {
		return flow{}, false, err
	}
	e := asError(err)
	var h *Handler
	for _, c := range b.Handlers {
		if matches(c.Conditions, e.Code) {
			h = c
			break
		}
	}
	if h == nil {
		return flow{}, false, err
	}
	atomic := !x.opts.Nonatomic
	if atomic || x.s.InTransaction() {
		// The failed work is undone; the handler runs in a new transaction.
		if rerr := x.s.Rollback(ctx); rerr != nil {
			return flow{}, true, rerr
		}
		x.explicit = false
		if atomic {
			if berr := x.s.Begin(ctx); berr != nil {
				return flow{}, true, berr
			}
		}
	}
	x.vals[h.StateSlot] = string(e.Code)
	x.vals[h.ErrmSlot] = e.Message
	x.errs = append(x.errs, e)
	fl, herr := x.stmts(ctx, h.Body)
	x.errs = x.errs[:len(x.errs)-1]
	if herr != nil {
		return flow{}, true, herr
	}
	if !atomic {
		return fl, true, nil
	}
	// Atomic: the handler's work commits, then the error is raised again.
	if !x.opts.NoTxnControl {
		if cerr := x.s.Commit(ctx); cerr != nil {
			return flow{}, true, cerr
		}
		if berr := x.s.Begin(ctx); berr != nil {
			return flow{}, true, berr
		}
	}
	return flow{}, true, &rethrown{err: e}
}

func matches(conds []string, code sqlerr.Code) bool {
	for _, c := range conds {
		switch {
		case c == "others":
			if code != sqlerr.QueryCanceled {
				return true
			}
		case strings.HasPrefix(c, "sqlstate "):
			if strings.Trim(strings.TrimPrefix(c, "sqlstate "), "'") == string(code) {
				return true
			}
		default:
			want := conditionCodes[c]
			if want == code || (strings.HasSuffix(string(want), "000") && strings.HasPrefix(string(code), string(want)[:2])) {
				return true
			}
		}
	}
	return false
}

func (x *exec) stmts(ctx context.Context, ss []Stmt) (flow, error) {
	for _, s := range ss {
		fl, err := x.stmt(ctx, s)
		if err != nil || fl.kind != ctrlNone {
			return fl, err
		}
	}
	return flow{}, nil
}

// loopCtl decides what a loop does with its body's flow: stop (with the flow
// to pass on) or go on.
func loopCtl(fl flow, label string) (stop bool, out flow) {
	switch fl.kind {
	case ctrlNone:
		return false, flow{}
	case ctrlExit:
		if fl.label == "" || fl.label == label {
			return true, flow{}
		}
		return true, fl
	case ctrlContinue:
		if fl.label == "" || fl.label == label {
			return false, flow{}
		}
		return true, fl
	}
	return true, fl
}

func (x *exec) stmt(ctx context.Context, st Stmt) (flow, error) {
	if err := ctx.Err(); err != nil {
		return flow{}, asError(err)
	}
	switch s := st.(type) {
	case *Block:
		return x.block(ctx, s)
	case *Assign:
		v, err := x.eval(ctx, s.Expr)
		if err != nil {
			return flow{}, err
		}
		return flow{}, x.set(s.Target, v)
	case *SQL:
		return flow{}, x.sqlStmt(ctx, s)
	case *Perform:
		res, err := x.run(ctx, s.Frag)
		if err != nil {
			return flow{}, err
		}
		x.rowCount = int64(len(res.Rows))
		x.setFound(len(res.Rows) > 0)
		return flow{}, nil
	case *If:
		for i, c := range s.Conds {
			ok, err := x.cond(ctx, c, "IF")
			if err != nil {
				return flow{}, err
			}
			if ok {
				return x.stmts(ctx, s.Thens[i])
			}
		}
		return x.stmts(ctx, s.Else)
	case *Case:
		if s.Subject != nil {
			v, err := x.eval(ctx, s.Subject)
			if err != nil {
				return flow{}, err
			}
			x.vals[s.SubjectSlot] = v
		}
		for i, w := range s.Whens {
			ok, err := x.cond(ctx, w, "CASE")
			if err != nil {
				return flow{}, err
			}
			if ok {
				return x.stmts(ctx, s.Thens[i])
			}
		}
		if !s.HasElse {
			return flow{}, sqlerr.New(sqlerr.CaseNotFound, "case not found").At(0)
		}
		return x.stmts(ctx, s.Else)
	case *Loop:
		for {
			fl, err := x.stmts(ctx, s.Body)
			if err != nil {
				return flow{}, err
			}
			if stop, out := loopCtl(fl, s.Label); stop {
				return out, nil
			}
			if err := ctx.Err(); err != nil {
				return flow{}, asError(err)
			}
		}
	case *While:
		for {
			ok, err := x.cond(ctx, s.Cond, "WHILE")
			if err != nil || !ok {
				return flow{}, err
			}
			fl, err := x.stmts(ctx, s.Body)
			if err != nil {
				return flow{}, err
			}
			if stop, out := loopCtl(fl, s.Label); stop {
				return out, nil
			}
		}
	case *ForInt:
		return x.forInt(ctx, s)
	case *ForQuery:
		return x.forQuery(ctx, s)
	case *Exit:
		if s.When != nil {
			ok, err := x.cond(ctx, s.When, "EXIT WHEN")
			if err != nil || !ok {
				return flow{}, err
			}
		}
		if s.Continue {
			return flow{kind: ctrlContinue, label: s.Label}, nil
		}
		return flow{kind: ctrlExit, label: s.Label}, nil
	case *Return:
		return flow{kind: ctrlReturn}, nil
	case *Null:
		return flow{}, nil
	case *Raise:
		return flow{}, x.raise(ctx, s)
	case *Execute:
		return flow{}, x.execute(ctx, s)
	case *Open:
		return flow{}, x.open(ctx, s)
	case *GetDiag:
		for _, t := range s.Targets {
			if err := x.set(t, x.rowCount); err != nil {
				return flow{}, err
			}
		}
		return flow{}, nil
	case *Txn:
		return flow{}, x.txn(ctx, s.Kind, "")
	case *Call:
		return flow{}, x.call(ctx, s)
	}
	return flow{}, sqlerr.New(sqlerr.InternalError, "plpgsql: unknown statement %T", st)
}

func (x *exec) sqlStmt(ctx context.Context, s *SQL) error {
	if s.Kind == "truncate" && x.opts.NoTxnControl {
		return x.txnRefused("TRUNCATE")
	}
	res, err := x.run(ctx, s.Frag)
	if err != nil {
		return err
	}
	x.rowCount = res.RowsAffected
	if s.Into != nil {
		x.rowCount = int64(len(res.Rows))
		if len(res.Rows) > 1 && !s.Strict {
			x.rowCount = 1
		}
		x.setFound(len(res.Rows) > 0)
		return x.into(res, s.Into, s.Strict)
	}
	switch s.Kind {
	case "insert", "update", "delete", "merge", "select", "with":
		x.setFound(res.RowsAffected > 0)
	case "truncate":
		// TRUNCATE commits the current transaction and starts a new one.
		if !x.opts.Nonatomic {
			return x.txn(ctx, TxnCommit, "TRUNCATE")
		}
	}
	return nil
}

func (x *exec) txnRefused(what string) error {
	reason := x.opts.Reason
	if reason == "" {
		reason = "an explicit transaction block"
	}
	return &sqlerr.Error{Code: sqlerr.ActiveSQLTransaction,
		Message: fmt.Sprintf("%s cannot be invoked from a procedure that is executing in an atomic context.", what),
		Hint:    "Try calling the procedure as a top-level call i.e. not from within an explicit transaction block. Or, if this procedure (or one of its ancestors in the call chain) was created with SET config options, recreate the procedure without them.",
		Detail:  "The call runs inside " + reason + "."}
}

func (x *exec) txn(ctx context.Context, kind TxnKind, what string) error {
	if what == "" {
		what = map[TxnKind]string{TxnCommit: "COMMIT", TxnRollback: "ROLLBACK", TxnStart: "START TRANSACTION"}[kind]
	}
	if x.opts.NoTxnControl {
		return x.txnRefused(what)
	}
	if !x.opts.Nonatomic {
		if kind == TxnStart {
			return sqlerr.New(sqlerr.ActiveSQLTransaction, "START TRANSACTION is only allowed in a NONATOMIC procedure")
		}
		var err error
		if kind == TxnCommit {
			err = x.s.Commit(ctx)
		} else {
			err = x.s.Rollback(ctx)
		}
		if err != nil {
			return err
		}
		return x.s.Begin(ctx)
	}
	switch kind {
	case TxnStart:
		if x.s.InTransaction() {
			return sqlerr.New(sqlerr.ActiveSQLTransaction, "there is already a transaction in progress")
		}
		x.explicit = true
		return x.s.Begin(ctx)
	case TxnCommit, TxnRollback:
		if !x.s.InTransaction() {
			return nil // nothing to end: each statement has committed already
		}
		x.explicit = false
		if kind == TxnCommit {
			return x.s.Commit(ctx)
		}
		return x.s.Rollback(ctx)
	}
	return nil
}

func (x *exec) forInt(ctx context.Context, s *ForInt) (flow, error) {
	num := func(f *Frag, what string) (int64, error) {
		v, err := x.eval(ctx, f)
		if err != nil {
			return 0, err
		}
		if v == nil {
			return 0, sqlerr.New(sqlerr.NullValueNotAllowed, "%s of FOR loop cannot be null", what)
		}
		return toInt64(v)
	}
	lo, err := num(s.Lo, "lower bound")
	if err != nil {
		return flow{}, err
	}
	hi, err := num(s.Hi, "upper bound")
	if err != nil {
		return flow{}, err
	}
	step := int64(1)
	if s.By != nil {
		if step, err = num(s.By, "BY value"); err != nil {
			return flow{}, err
		}
		if step <= 0 {
			return flow{}, sqlerr.New(sqlerr.InvalidParameterValue, "BY value of FOR loop must be greater than zero")
		}
	}
	found := false
	defer func() { x.setFound(found) }()
	for i := lo; (!s.Reverse && i <= hi) || (s.Reverse && i >= hi); {
		found = true
		x.vals[s.Var] = i
		fl, err := x.stmts(ctx, s.Body)
		if err != nil {
			return flow{}, err
		}
		if stop, out := loopCtl(fl, s.Label); stop {
			return out, nil
		}
		if s.Reverse {
			if i < math.MinInt64+step {
				break
			}
			i -= step
		} else {
			if i > math.MaxInt64-step {
				break
			}
			i += step
		}
	}
	return flow{}, nil
}

func (x *exec) forQuery(ctx context.Context, s *ForQuery) (flow, error) {
	var res *Result
	var err error
	if s.Dynamic {
		res, err = x.dynamic(ctx, s.Query, s.Using)
	} else {
		res, err = x.run(ctx, s.Query)
	}
	if err != nil {
		return flow{}, err
	}
	x.setFound(len(res.Rows) > 0)
	x.rowCount = int64(len(res.Rows))
	for _, row := range res.Rows {
		one := &Result{Columns: res.Columns, Rows: [][]any{row}}
		if err := x.into(one, s.Targets, false); err != nil {
			return flow{}, err
		}
		fl, err := x.stmts(ctx, s.Body)
		if err != nil {
			return flow{}, err
		}
		if stop, out := loopCtl(fl, s.Label); stop {
			x.setFound(true)
			return out, nil
		}
	}
	x.setFound(len(res.Rows) > 0)
	return flow{}, nil
}

// dynamic runs an EXECUTE command string with USING values as $1..$n.
func (x *exec) dynamic(ctx context.Context, q *Frag, using []*Frag) (*Result, error) {
	v, err := x.eval(ctx, q)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, sqlerr.New(sqlerr.NullValueNotAllowed, "query string argument of EXECUTE is null")
	}
	text, ok := v.(string)
	if !ok {
		text = fmt.Sprint(v)
	}
	if kw := firstWord(text); kw == "commit" || kw == "rollback" || kw == "end" || kw == "abort" || kw == "begin" || kw == "start" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "%s cannot be run with EXECUTE in a procedure", strings.ToUpper(kw))
	}
	args := make([]any, len(using))
	for i, u := range using {
		if args[i], err = x.eval(ctx, u); err != nil {
			return nil, err
		}
	}
	p, err := x.s.Prepare(ctx, text)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	res, err := p.Run(ctx, args)
	if err != nil {
		return nil, err
	}
	if firstWord(text) == "truncate" && !x.opts.Nonatomic {
		if err := x.txn(ctx, TxnCommit, "TRUNCATE"); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func firstWord(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "--") || strings.HasPrefix(s, "(") {
		if s[0] == '(' {
			s = strings.TrimSpace(s[1:])
			continue
		}
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return ""
		}
		s = strings.TrimSpace(s[i+1:])
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(s[:end])
}

func (x *exec) execute(ctx context.Context, s *Execute) error {
	if x.opts.NoTxnControl {
		// TRUNCATE through dynamic SQL obeys the same rule as a static one.
		if v, err := x.eval(ctx, s.Query); err == nil {
			if str, ok := v.(string); ok && firstWord(str) == "truncate" {
				return x.txnRefused("TRUNCATE")
			}
		}
	}
	res, err := x.dynamic(ctx, s.Query, s.Using)
	if err != nil {
		return err
	}
	x.rowCount = res.RowsAffected
	if s.Into != nil {
		x.rowCount = int64(len(res.Rows))
		return x.into(res, s.Into, s.Strict)
	}
	return nil
}

func (x *exec) raise(ctx context.Context, s *Raise) error {
	if s.Rethrow {
		if len(x.errs) == 0 {
			return sqlerr.New(sqlerr.SyntaxError, "RAISE without parameters cannot be used outside an exception handler")
		}
		e := *x.errs[len(x.errs)-1]
		return &e
	}
	var b strings.Builder
	arg := 0
	for i := 0; i < len(s.Format); i++ {
		c := s.Format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(s.Format) && s.Format[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		v, err := x.eval(ctx, s.Args[arg])
		if err != nil {
			return err
		}
		arg++
		b.WriteString(text(v))
	}
	msg := b.String()
	x.s.Notice(ctx, Notice{Level: s.Level, Message: msg, Line: s.Line})
	if s.Level == LevelException {
		return &sqlerr.Error{Code: sqlerr.RaiseException, Message: msg}
	}
	return nil
}

// text renders a value the way RAISE prints it: NULL as <NULL>.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return "<NULL>"
	case string:
		return v
	case []byte:
		return string(v)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

func toInt64(v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int8:
		return int64(v), nil
	case int:
		return int64(v), nil
	case uint8:
		return int64(v), nil
	case uint16:
		return int64(v), nil
	case uint32:
		return int64(v), nil
	case float64:
		return int64(math.Round(v)), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return 0, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type integer: %q", v)
		}
		return n, nil
	case fmt.Stringer:
		f, err := strconv.ParseFloat(v.String(), 64)
		if err == nil {
			return int64(math.Round(f)), nil
		}
	}
	return 0, sqlerr.New(sqlerr.DatatypeMismatch, "FOR loop bound is not an integer (%T)", v)
}

func (x *exec) call(ctx context.Context, s *Call) error {
	args := make([]any, len(s.Args))
	for i, a := range s.Args {
		v, err := x.eval(ctx, a)
		if err != nil {
			return err
		}
		args[i] = v
	}
	res, err := x.s.Call(ctx, s.Name, args)
	if err != nil {
		return err
	}
	for i, idx := range res.ArgIdx {
		if idx < 0 || idx >= len(s.ArgRefs) || s.ArgRefs[idx] == nil {
			continue
		}
		if err := x.set(*s.ArgRefs[idx], res.Values[i]); err != nil {
			return err
		}
	}
	return nil
}

// open runs OPEN var FOR query as DECLARE name CURSOR FOR query, the name
// being var's value; a NULL var gets Postgres's made-up name, "<unnamed
// portal n>", which it is set to.
func (x *exec) open(ctx context.Context, s *Open) error {
	v, err := x.get(Ref{Slot: s.Var})
	if err != nil {
		return err
	}
	name, _ := v.(string)
	if v == nil {
		x.portals++
		name = fmt.Sprintf("<unnamed portal %d>", x.portals)
		if err := x.set(Ref{Slot: s.Var}, name); err != nil {
			return err
		}
	} else if name == "" {
		return sqlerr.New(sqlerr.InvalidCursorName, "cursor name of OPEN is empty")
	}
	p, err := x.s.Prepare(ctx, "DECLARE "+quoteIdent(name)+" CURSOR FOR "+s.Query.SQL)
	if err != nil {
		return err
	}
	defer p.Close()
	args := make([]any, len(s.Query.Refs))
	for i, r := range s.Query.Refs {
		if args[i], err = x.get(r); err != nil {
			return err
		}
	}
	_, err = p.Run(ctx, args)
	return err
}

// quoteIdent quotes a name as a delimited identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
