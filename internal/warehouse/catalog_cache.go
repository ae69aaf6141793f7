package warehouse

// The catalog lookups the SQL front end asks for while it translates a
// statement (a table's column lengths, dates, decimals and SUPER columns:
// Options.CharLimits and Options.JSONColumns) are DuckDB queries, one to
// three a table, about a millisecond each: a quarter of the CPU a stored
// procedure's CALL took (the exact load's eight statements, measured with
// pprof over a loop of CALLs). They are remembered per session until the
// catalog may have changed:
//
//   - every statement that can change a relation's columns, of any session,
//     moves the warehouse's generation (catalogGen.all), which forgets
//     everything every session remembers;
//   - DROP TABLE moves only its table's name: a dropped table has no
//     columns to get wrong (a procedure that makes and drops a working
//     table on every CALL keeps the rest of what it looked up);
//   - CREATE TEMP TABLE, and a DROP TABLE that reaches only temporary
//     tables (or nothing), forget what the session itself looked up under
//     the name, and move nothing: a temporary table is the session's
//     alone. A rollback forgets again what the session looked up under the
//     names its transaction made or dropped tables of;
//   - a statement that changed the catalog inside a transaction block or
//     a procedure moves the generation again when the transaction ends, so
//     another session that looked up the old catalog meanwhile forgets it;
//   - from the start of a statement that may change anything until the
//     generation moves after it (after its transaction's end, in a block or
//     a procedure), the catalog is changing (catalogGen.settled): a reader
//     that must never act on a catalog older than a change already
//     committed (the AUTO REFRESH loop's list of views, mv_changes.go)
//     reads it afresh meanwhile, since the change commits before the
//     generation moves.

import (
	"strings"
	"sync"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
)

// catalogGen counts changes to the catalog: all of it, and by relation name
// (the last part, lower case) for the changes that touch one name only.
type catalogGen struct {
	mu    sync.Mutex
	all   uint64
	names map[string]uint64
	// changing counts the statements that may be changing anything, and
	// the transactions holding such a change, until all moves after them.
	changing int
}

// stamp is the generation a lookup of name is valid for.
type stamp struct{ all, name uint64 }

func (g *catalogGen) stamp(name string) stamp {
	g.mu.Lock()
	defer g.mu.Unlock()
	return stamp{g.all, g.names[name]}
}

func (g *catalogGen) bumpAll() {
	g.mu.Lock()
	g.all++
	g.mu.Unlock()
}

// settled returns the generation of all, and whether no change to the
// catalog is under way: what a read of the catalog that starts after it
// sees stays current for as long as the generation stays gen and nothing is
// under way.
func (g *catalogGen) settled() (gen uint64, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.all, g.changing == 0
}

// begin records that a change to anything is under way.
func (g *catalogGen) begin() {
	g.mu.Lock()
	g.changing++
	g.mu.Unlock()
}

// finish moves the generation after a change that begin recorded, and ends
// it, at once.
func (g *catalogGen) finish() {
	g.mu.Lock()
	g.all++
	g.changing--
	g.mu.Unlock()
}

func (g *catalogGen) bumpNames(names []string) {
	g.mu.Lock()
	if g.names == nil {
		g.names = map[string]uint64{}
	}
	for _, n := range names {
		g.names[n]++
	}
	g.mu.Unlock()
}

// catalogEffect says what a statement may change in the catalog: nothing,
// the named relations only (names), or anything (all).
type catalogEffect struct {
	all   bool
	names []string
	temp  bool // names are temporary tables made by the statement
}

// catalogEffectOf classifies stmt. Statements that only read or write rows
// change nothing; CREATE TEMP TABLE and DROP TABLE change their names;
// everything else (any other DDL, statements the parser does not model)
// may change anything.
func catalogEffectOf(stmt ast.Stmt) catalogEffect {
	switch n := stmt.(type) {
	case *ast.Select:
		if len(n.Into) > 0 {
			return catalogEffect{all: true}
		}
		return catalogEffect{}
	case *ast.SetOp, *ast.Values, *ast.ParenQuery, *ast.Insert, *ast.Update, *ast.Delete, *ast.Merge,
		*ast.Copy, *ast.Truncate, *ast.Begin, *ast.Commit, *ast.Rollback, *ast.Set, *ast.Reset, *ast.Show,
		*ast.DeclareCursor, *ast.Fetch, *ast.CloseCursor, *ast.Call, *ast.RefreshMaterializedView, *ast.ShowSchedules,
		*ast.Explain: // EXPLAIN (ANALYZE only of a query) changes nothing
		return catalogEffect{}
	case *ast.CreateTable:
		if n.Temp && len(n.Name) > 0 {
			return catalogEffect{names: []string{strings.ToLower(n.Name[len(n.Name)-1].Name)}, temp: true}
		}
	case *ast.Drop:
		if n.Kind == "table" {
			var names []string
			for _, name := range n.Names {
				if len(name) > 0 {
					names = append(names, strings.ToLower(name[len(name)-1].Name))
				}
			}
			return catalogEffect{names: names}
		}
	}
	return catalogEffect{all: true}
}

// catalogBegin records, before a statement with effect e runs, that it
// may change anything; it reports whether the statement holds that record
// (a transaction that changed the catalog already holds one), to pass to
// catalogChanged.
func (s *Session) catalogBegin(e catalogEffect) (began bool) {
	if !e.all || s.catalogDirty {
		return false
	}
	s.w.catalogGen.begin()
	return true
}

// catalogChanged records that a statement with effect e ran (or failed:
// it may have changed something before it did); began is catalogBegin's.
// Inside a transaction the record of a change under way passes to the
// transaction (catalogDirty), which ends it when it ends.
func (s *Session) catalogChanged(e catalogEffect, began bool) {
	switch {
	case e.all:
		if s.inTx() || s.inProcedureTxn() {
			s.w.catalogGen.bumpAll()
			switch {
			case !s.catalogDirty && began:
				s.catalogDirty = true // the statement's record passes to it
			case !s.catalogDirty:
				s.w.catalogGen.begin()
				s.catalogDirty = true
			case began: // it holds one already (a statement run inside this one)
				s.w.catalogGen.finish()
			}
		} else if began {
			s.w.catalogGen.finish()
		} else {
			s.w.catalogGen.bumpAll()
		}
	case len(e.names) > 0:
		// A temporary table is the session's alone: making one, or a DROP
		// that reached only temporary tables (or nothing), changes what
		// this session looks up under the name, not what others do.
		local := e.temp || s.localDrop
		s.localDrop = false
		if !local {
			s.w.catalogGen.bumpNames(e.names)
		}
		s.memo.forgetNames(e.names)
		if s.inTx() || s.inProcedureTxn() {
			// A rollback brings back what the statement changed.
			s.txNames = append(s.txNames, e.names...)
		}
		if e.temp {
			if s.tempNames == nil {
				s.tempNames = map[string]bool{}
			}
			for _, n := range e.names {
				s.tempNames[n] = true
			}
		}
	}
	if s.catalogDirty && !s.inTx() && !s.inProcedureTxn() {
		// The transaction that changed the catalog has ended.
		s.catalogDirty = false
		s.w.catalogGen.finish()
	}
}

// namesTxEnd forgets, when a transaction rolls back, what the session
// looked up under the names its statements made or dropped tables of.
func (s *Session) namesTxEnd(committed bool) {
	if !committed {
		s.memo.forgetNames(s.txNames)
	}
	s.txNames = nil
}

// catalogClosed ends, when the session closes, the record of a change its
// open transaction held (the transaction rolls back).
func (s *Session) catalogClosed() {
	if s.catalogDirty {
		s.catalogDirty = false
		s.w.catalogGen.finish()
	}
}

// lookupMemo remembers a session's catalog lookups (see the top of the
// file).
type lookupMemo struct {
	limits map[string]memoEntry[[]bsql.ColumnLimit]
	json   map[string]memoEntry[[]string]
	// procs are the procedures CALL read, by schema and name.
	procs map[string]memoEntry[*procedure]
	// tables says whether a permanent table of a name (as the catalog
	// keeps it) is in the database, in any schema (owners.go).
	tables map[string]memoEntry[bool]
}

// forgetNames forgets the lookups of the relations named (last part,
// lower case) in names that a temporary table of the name changes.
func (m *lookupMemo) forgetNames(names []string) {
	for _, n := range names {
		for k, e := range m.limits {
			if e.name == n {
				delete(m.limits, k)
			}
		}
		for k, e := range m.json {
			if e.name == n {
				delete(m.json, k)
			}
		}
	}
}

// withoutNames is a copy of m without the lookups of the relations named
// (last part, lower case) in names: what a new session may keep of another
// session's lookups, names being the other's temporary tables.
func (m lookupMemo) withoutNames(names map[string]bool) lookupMemo {
	return lookupMemo{limits: dropNames(m.limits, names), json: dropNames(m.json, names), procs: m.procs, tables: m.tables}
}

func dropNames[T any](m map[string]memoEntry[T], names map[string]bool) map[string]memoEntry[T] {
	out := make(map[string]memoEntry[T], len(m))
	for k, e := range m {
		if !names[e.name] {
			out[k] = e
		}
	}
	return out
}

type memoEntry[T any] struct {
	at   stamp
	name string // the relation's last part, lower case
	val  T
}

// memoKey is n as the catalog resolves it for s: its parts as the catalog
// keeps them, under the session's search path.
func (s *Session) memoKey(n ast.Name) (key, last string) {
	opts := s.baseOptions()
	var b strings.Builder
	b.WriteString(s.settings["search_path"])
	for _, id := range n {
		b.WriteByte(0)
		b.WriteString(catalogIdent(id, opts))
	}
	if len(n) > 0 {
		last = strings.ToLower(n[len(n)-1].Name)
	}
	return b.String(), last
}

// memoized returns what look returns for n, from m when nothing it
// depends on has changed since it was stored.
func memoized[T any](s *Session, m *map[string]memoEntry[T], n ast.Name, look func() T) T {
	key, last := s.memoKey(n)
	now := s.w.catalogGen.stamp(last)
	if e, ok := (*m)[key]; ok && e.at == now {
		return e.val
	}
	v := look()
	if *m == nil {
		*m = map[string]memoEntry[T]{}
	}
	(*m)[key] = memoEntry[T]{at: now, name: last, val: v}
	return v
}
