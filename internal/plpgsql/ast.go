package plpgsql

import (
	"fmt"
	"strings"
)

// Mode is an argument's direction.
type Mode int

// The argument modes.
const (
	In Mode = iota
	Out
	InOut
)

func (m Mode) String() string {
	switch m {
	case Out:
		return "OUT"
	case InOut:
		return "INOUT"
	}
	return "IN"
}

// Param is one declared argument of a procedure.
type Param struct {
	Name string // lower-cased; may be empty (then only $n reaches it)
	Mode Mode
	Type string // the SQL type as written
}

// Body is a parsed procedure body, ready to run any number of times.
type Body struct {
	Params []Param
	Block  *Block
	// Slots describes every variable of the body; a call allocates one value
	// per slot. Arguments come first, in declaration order.
	Slots []*Slot
	// Found is the slot of the implicit FOUND variable.
	Found int
}

// Slot is one variable: an argument, a declared variable, a loop variable or
// an implicit one (FOUND, SQLSTATE, SQLERRM, a CASE subject).
type Slot struct {
	Name     string
	Type     string // SQL type as written; empty for RECORD and implicit slots
	Record   bool
	Constant bool
	NotNull  bool
}

// Frag is a piece of SQL from the body: Text as written, and SQL with each
// variable reference replaced by a $n placeholder (typed with the variable's
// declared type) whose value comes from Refs[n-1].
type Frag struct {
	Text string
	SQL  string
	Refs []Ref
	Pos  int // byte offset of Text in the body
}

// Ref is a variable reference in a Frag: a slot, or a field of a record slot.
type Ref struct {
	Slot  int
	Field string
}

// Stmt is one PL/pgSQL statement.
type Stmt interface{ line() int }

// Pos is a statement's 1-based line number in the body (SVL_STORED_PROC_MESSAGES.linenum).
type Pos struct{ Line int }

func (p Pos) line() int { return p.Line }

// Block is [<<label>>] [DECLARE ...] BEGIN ... [EXCEPTION ...] END.
type Block struct {
	Pos
	Label    string
	Decls    []*Decl
	Body     []Stmt
	Handlers []*Handler
	// Continue is EXCEPTION CONTINUE_HANDLER: after a handled error the block
	// goes on with the statement after the one that failed.
	Continue bool
}

// Decl is one declaration; Default (may be nil) is evaluated on block entry.
type Decl struct {
	Slot    int
	Default *Frag
}

// Handler is WHEN cond [OR cond] THEN statements.
type Handler struct {
	Conditions []string // lower-cased names ("others", "division_by_zero") or SQLSTATE codes
	Body       []Stmt
	StateSlot  int // SQLSTATE
	ErrmSlot   int // SQLERRM
}

// Assign is target := expr (or target = expr).
type Assign struct {
	Pos
	Target Ref
	Expr   *Frag // evaluated as SELECT CAST((expr) AS type)
}

// SQL is any SQL statement, with SELECT ... INTO targets removed into Into.
type SQL struct {
	Pos
	Frag   *Frag
	Into   []Ref
	Strict bool
	Kind   string // first keyword, lower-cased (select, insert, truncate, ...)
}

// Perform is PERFORM query: run it, discard the rows, set FOUND.
type Perform struct {
	Pos
	Frag *Frag
}

// If is IF c THEN ... [ELSIF c THEN ...]... [ELSE ...] END IF.
type If struct {
	Pos
	Conds []*Frag
	Thens [][]Stmt
	Else  []Stmt
}

// Case is CASE [subject] WHEN ... THEN ... [ELSE ...] END CASE. With a
// subject, each When is `$subject IN (list)`.
type Case struct {
	Pos
	Subject     *Frag // nil for a searched CASE
	SubjectSlot int
	Whens       []*Frag
	Thens       [][]Stmt
	Else        []Stmt
	HasElse     bool
}

// Loop is [<<label>>] LOOP ... END LOOP.
type Loop struct {
	Pos
	Label string
	Body  []Stmt
}

// While is [<<label>>] WHILE cond LOOP ... END LOOP.
type While struct {
	Pos
	Label string
	Cond  *Frag
	Body  []Stmt
}

// ForInt is FOR i IN [REVERSE] lo .. hi [BY step] LOOP ... END LOOP.
type ForInt struct {
	Pos
	Label   string
	Var     int
	Reverse bool
	Lo, Hi  *Frag
	By      *Frag // nil: 1
	Body    []Stmt
}

// ForQuery is FOR target IN query LOOP ... or FOR target IN EXECUTE expr [USING ...] LOOP ...
type ForQuery struct {
	Pos
	Label   string
	Targets []Ref
	Query   *Frag // static query, or the expression giving the dynamic one
	Dynamic bool
	Using   []*Frag
	Body    []Stmt
}

// Exit is EXIT [label] [WHEN cond], or CONTINUE when Continue is set.
type Exit struct {
	Pos
	Continue bool
	Label    string
	When     *Frag
}

// Return is RETURN.
type Return struct{ Pos }

// Null is NULL;.
type Null struct{ Pos }

// Raise is RAISE level 'format' [, expr ...], or bare RAISE (re-raise).
type Raise struct {
	Pos
	Level   Level
	Format  string
	Args    []*Frag
	Rethrow bool
}

// Execute is EXECUTE expr [INTO [STRICT] targets] [USING expr, ...].
type Execute struct {
	Pos
	Query  *Frag
	Into   []Ref
	Strict bool
	Using  []*Frag
}

// Open is OPEN var FOR query: the query's result becomes a cursor named by
// the refcursor variable's value (a name is made up when it is NULL), which
// the caller FETCHes from until the transaction ends (Redshift, "Returning
// a result set").
type Open struct {
	Pos
	Var   int // the refcursor variable's slot
	Query *Frag
}

// GetDiag is GET DIAGNOSTICS var = ROW_COUNT [, ...].
type GetDiag struct {
	Pos
	Targets []Ref
	Items   []string
}

// TxnKind is a transaction statement in a body.
type TxnKind int

// Transaction statements.
const (
	TxnCommit TxnKind = iota
	TxnRollback
	TxnStart
)

// Txn is COMMIT, ROLLBACK, or START TRANSACTION (NONATOMIC procedures).
type Txn struct {
	Pos
	Kind TxnKind
}

// Call is CALL name(args) inside a body; INOUT results are assigned back to
// the variables passed in their positions.
type Call struct {
	Pos
	Name    string
	Args    []*Frag
	ArgRefs []*Ref // the variable an argument names, when it is a bare variable
}

// Level is a RAISE level.
type Level int

// The RAISE levels, with SVL_STORED_PROC_MESSAGES.loglevel values.
const (
	LevelLog       Level = 20
	LevelInfo      Level = 30
	LevelNotice    Level = 40
	LevelWarning   Level = 50
	LevelException Level = 60
)

func (l Level) String() string {
	switch l {
	case LevelLog:
		return "LOG"
	case LevelInfo:
		return "INFO"
	case LevelNotice:
		return "NOTICE"
	case LevelWarning:
		return "WARNING"
	}
	return "EXCEPTION"
}

// Format prints the body as PL/pgSQL, deterministically: parsing the output
// gives a body that formats the same.
func (b *Body) Format() string {
	var w fmtw
	w.block(b, b.Block, 0)
	return w.String()
}

type fmtw struct{ strings.Builder }

func (w *fmtw) line(ind int, format string, args ...any) {
	w.WriteString(strings.Repeat("  ", ind))
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

func label(l string) string {
	if l == "" {
		return ""
	}
	return "<<" + l + ">> "
}

func (w *fmtw) block(b *Body, bl *Block, ind int) {
	if bl.Label != "" {
		w.line(ind, "<<%s>>", bl.Label)
	}
	if len(bl.Decls) > 0 {
		w.line(ind, "DECLARE")
		for _, d := range bl.Decls {
			s := b.Slots[d.Slot]
			var sb strings.Builder
			sb.WriteString(s.Name)
			if s.Constant {
				sb.WriteString(" CONSTANT")
			}
			if s.Record {
				sb.WriteString(" RECORD")
			} else {
				sb.WriteString(" " + s.Type)
			}
			if s.NotNull {
				sb.WriteString(" NOT NULL")
			}
			if d.Default != nil {
				sb.WriteString(" := " + d.Default.Text)
			}
			w.line(ind+1, "%s;", sb.String())
		}
	}
	w.line(ind, "BEGIN")
	w.stmts(b, bl.Body, ind+1)
	if len(bl.Handlers) > 0 {
		if bl.Continue {
			w.line(ind, "EXCEPTION CONTINUE_HANDLER")
		} else {
			w.line(ind, "EXCEPTION")
		}
		for _, h := range bl.Handlers {
			w.line(ind+1, "WHEN %s THEN", strings.Join(h.Conditions, " OR "))
			w.stmts(b, h.Body, ind+2)
		}
	}
	if bl.Label != "" {
		w.line(ind, "END %s;", bl.Label)
	} else {
		w.line(ind, "END;")
	}
}

func (w *fmtw) ref(b *Body, r Ref) string {
	n := b.Slots[r.Slot].Name
	if r.Field != "" {
		n += "." + r.Field
	}
	return n
}

func (w *fmtw) refs(b *Body, rs []Ref) string {
	var s []string
	for _, r := range rs {
		s = append(s, w.ref(b, r))
	}
	return strings.Join(s, ", ")
}

func frags(fs []*Frag) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Text)
	}
	return strings.Join(s, ", ")
}

func (w *fmtw) stmts(b *Body, ss []Stmt, ind int) {
	for _, s := range ss {
		w.stmt(b, s, ind)
	}
}

func (w *fmtw) stmt(b *Body, s Stmt, ind int) {
	switch s := s.(type) {
	case *Block:
		w.block(b, s, ind)
	case *Assign:
		w.line(ind, "%s := %s;", w.ref(b, s.Target), s.Expr.Text)
	case *SQL:
		if len(s.Into) > 0 {
			strict := ""
			if s.Strict {
				strict = "STRICT "
			}
			// INTO printed after the statement's first keyword keeps it valid.
			kw, rest, _ := strings.Cut(s.Frag.Text, " ")
			w.line(ind, "%s INTO %s%s %s;", kw, strict, w.refs(b, s.Into), rest)
			return
		}
		w.line(ind, "%s;", s.Frag.Text)
	case *Perform:
		w.line(ind, "PERFORM %s;", s.Frag.Text)
	case *If:
		for i, c := range s.Conds {
			kw := "IF"
			if i > 0 {
				kw = "ELSIF"
			}
			w.line(ind, "%s %s THEN", kw, c.Text)
			w.stmts(b, s.Thens[i], ind+1)
		}
		if s.Else != nil {
			w.line(ind, "ELSE")
			w.stmts(b, s.Else, ind+1)
		}
		w.line(ind, "END IF;")
	case *Case:
		if s.Subject != nil {
			w.line(ind, "CASE %s", s.Subject.Text)
		} else {
			w.line(ind, "CASE")
		}
		for i, c := range s.Whens {
			w.line(ind, "WHEN %s THEN", c.Text)
			w.stmts(b, s.Thens[i], ind+1)
		}
		if s.HasElse {
			w.line(ind, "ELSE")
			w.stmts(b, s.Else, ind+1)
		}
		w.line(ind, "END CASE;")
	case *Loop:
		w.line(ind, "%sLOOP", label(s.Label))
		w.stmts(b, s.Body, ind+1)
		w.line(ind, "END LOOP;")
	case *While:
		w.line(ind, "%sWHILE %s LOOP", label(s.Label), s.Cond.Text)
		w.stmts(b, s.Body, ind+1)
		w.line(ind, "END LOOP;")
	case *ForInt:
		rev := ""
		if s.Reverse {
			rev = "REVERSE "
		}
		by := ""
		if s.By != nil {
			by = " BY " + s.By.Text
		}
		w.line(ind, "%sFOR %s IN %s%s .. %s%s LOOP", label(s.Label), b.Slots[s.Var].Name, rev, s.Lo.Text, s.Hi.Text, by)
		w.stmts(b, s.Body, ind+1)
		w.line(ind, "END LOOP;")
	case *ForQuery:
		q := s.Query.Text
		if s.Dynamic {
			q = "EXECUTE " + q
			if len(s.Using) > 0 {
				q += " USING " + frags(s.Using)
			}
		}
		w.line(ind, "%sFOR %s IN %s LOOP", label(s.Label), w.refs(b, s.Targets), q)
		w.stmts(b, s.Body, ind+1)
		w.line(ind, "END LOOP;")
	case *Exit:
		kw := "EXIT"
		if s.Continue {
			kw = "CONTINUE"
		}
		if s.Label != "" {
			kw += " " + s.Label
		}
		if s.When != nil {
			kw += " WHEN " + s.When.Text
		}
		w.line(ind, "%s;", kw)
	case *Return:
		w.line(ind, "RETURN;")
	case *Null:
		w.line(ind, "NULL;")
	case *Raise:
		if s.Rethrow {
			w.line(ind, "RAISE;")
			return
		}
		args := ""
		if len(s.Args) > 0 {
			args = ", " + frags(s.Args)
		}
		w.line(ind, "RAISE %s %s%s;", s.Level, quote(s.Format), args)
	case *Open:
		w.line(ind, "OPEN %s FOR %s;", b.Slots[s.Var].Name, s.Query.Text)
	case *Execute:
		t := "EXECUTE " + s.Query.Text
		if len(s.Into) > 0 {
			t += " INTO "
			if s.Strict {
				t += "STRICT "
			}
			t += w.refs(b, s.Into)
		}
		if len(s.Using) > 0 {
			t += " USING " + frags(s.Using)
		}
		w.line(ind, "%s;", t)
	case *GetDiag:
		var items []string
		for i, r := range s.Targets {
			items = append(items, w.ref(b, r)+" = "+s.Items[i])
		}
		w.line(ind, "GET DIAGNOSTICS %s;", strings.Join(items, ", "))
	case *Txn:
		switch s.Kind {
		case TxnCommit:
			w.line(ind, "COMMIT;")
		case TxnRollback:
			w.line(ind, "ROLLBACK;")
		default:
			w.line(ind, "START TRANSACTION;")
		}
	case *Call:
		w.line(ind, "CALL %s(%s);", s.Name, frags(s.Args))
	default:
		panic(fmt.Sprintf("plpgsql: format: unknown statement %T", s))
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
