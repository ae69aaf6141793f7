package partiql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Plan is a statement bound to its parameters and a key schema: what the
// API must read or write.
type Plan struct {
	Kind         Kind
	Table, Index string

	// SELECT reads Keys (point reads) when the WHERE clause fixes whole
	// keys of a table (never of an index), else Query (a partition,
	// perhaps a sort-key range) when it fixes the partition key, else
	// Queries, else scans. Filter is the whole WHERE clause, to apply to
	// every item read (nil: none). Projection is nil for every attribute.
	// Descending is ORDER BY ... DESC.
	Keys  []attr.Item
	Query *expr.KeyCondition
	// Queries, when set, are one query per partition key of an IN list
	// (pk IN [...] without a whole key): reading them all is enough, though
	// a scan with Filter gives the same items.
	Queries    []*expr.KeyCondition
	Filter     *expr.Condition
	Projection *expr.Projection
	Descending bool

	// INSERT writes Item; UPDATE and DELETE change the item at Key; EXISTS
	// checks Condition on the item at Key.
	// Condition must hold for the write: for INSERT, failing it means the
	// key exists (DynamoDB's DuplicateItemException, "Duplicate primary key
	// exists in table"); for UPDATE and DELETE it is a
	// ConditionalCheckFailedException. UPDATE requires the item to exist.
	Item         attr.Item
	Key          attr.Item
	Condition    *expr.Condition
	Update       *expr.Update
	ReturnValues string // NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW
}

func verr(msg string) error { return &expr.Error{Msg: msg} }

// ErrExistsOutsideTransaction is DynamoDB's answer to an EXISTS statement
// in ExecuteStatement or BatchExecuteStatement.
var ErrExistsOutsideTransaction = &expr.Error{Msg: "EXISTS can only be used in ExecuteTransaction write requests."}

// Plan binds params to the statement's ? in order and plans it for a
// table (or, for SELECT from an index, the index) whose key is hashKey and
// rangeKey ("" when there is none).
func (s *Statement) Plan(params []attr.Value, hashKey, rangeKey string) (*Plan, error) {
	if len(params) != s.NumParams {
		return nil, verr("Number of parameters in request and statement don't match.")
	}
	b := &binder{params: params}
	pl := &Plan{Kind: s.Kind, Table: s.Table, Index: s.Index, ReturnValues: "NONE"}
	keys := []string{hashKey}
	if rangeKey != "" {
		keys = append(keys, rangeKey)
	}
	switch s.Kind {
	case Select:
		return pl, b.planSelect(s, pl, hashKey, rangeKey)
	case Insert:
		v, err := b.value(s.Value)
		if err != nil {
			return nil, err
		}
		pl.Item = attr.Item(v.M)
		for _, k := range keys {
			kv, ok := pl.Item[k]
			if !ok {
				return nil, verr("Key attribute should be present in the item: Key " + k)
			}
			if !kv.T.IsScalar() {
				return nil, verr("Key value must be of type S, N, or B. Key name: " + k + ", Key type: " + kv.T.String())
			}
		}
		pl.Condition = exists(hashKey, false)
		return pl, nil
	}
	// UPDATE, DELETE and EXISTS: one item, named by equalities on its
	// whole key.
	key, rest, err := b.itemKey(s.Where, keys)
	if err != nil {
		return nil, err
	}
	pl.Key = key
	var cond *expr.Condition
	if len(rest) > 0 {
		if cond, err = b.cond(andAll(rest)); err != nil {
			return nil, err
		}
	}
	switch s.Returning {
	case "ALL OLD":
		pl.ReturnValues = "ALL_OLD"
	case "MODIFIED OLD":
		pl.ReturnValues = "UPDATED_OLD"
	case "ALL NEW":
		pl.ReturnValues = "ALL_NEW"
	case "MODIFIED NEW":
		pl.ReturnValues = "UPDATED_NEW"
	}
	if s.Kind == Exists {
		// The item must exist and meet the rest of the WHERE clause.
		pl.Condition = exists(hashKey, true)
		if cond != nil {
			pl.Condition = &expr.Condition{Kind: expr.CondAnd, Left: pl.Condition, Right: cond}
		}
		return pl, nil
	}
	if s.Kind == Delete {
		// A missing item is deleted without looking at the rest of the
		// WHERE clause.
		if cond != nil {
			pl.Condition = &expr.Condition{Kind: expr.CondOr, Left: exists(hashKey, false), Right: cond}
		}
		return pl, nil
	}
	pl.Condition = exists(hashKey, true)
	if cond != nil {
		pl.Condition = &expr.Condition{Kind: expr.CondAnd, Left: pl.Condition, Right: cond}
	}
	var actions []expr.Action
	for _, a := range s.Actions {
		act, err := b.action(a)
		if err != nil {
			return nil, err
		}
		actions = append(actions, act)
	}
	if pl.Update, err = expr.NewUpdate(actions, ""); err != nil {
		return nil, err
	}
	return pl, nil
}

// exists is attribute_exists(name), or attribute_not_exists.
func exists(name string, yes bool) *expr.Condition {
	f := "attribute_not_exists"
	if yes {
		f = "attribute_exists"
	}
	return &expr.Condition{Kind: expr.CondFunc, Func: f, Args: []*expr.Operand{{Kind: expr.OperandPath, Path: expr.NamePath(name)}}}
}

type binder struct{ params []attr.Value }

// conjuncts splits a WHERE clause at its top-level ANDs.
func conjuncts(e *Expr) []*Expr {
	if e == nil {
		return nil
	}
	if e.Kind == EBinary && e.Op == "AND" {
		return append(conjuncts(e.Left), conjuncts(e.Right)...)
	}
	return []*Expr{e}
}

func andAll(es []*Expr) *Expr {
	out := es[0]
	for _, e := range es[1:] {
		out = &Expr{Kind: EBinary, Op: "AND", Left: out, Right: e}
	}
	return out
}

// keyName returns the attribute a conjunct constrains, when it is a
// top-level name compared with a constant.
func keyName(e *Expr) string {
	var p *Expr
	switch e.Kind {
	case EBinary:
		switch {
		case e.Left.Kind == EPath && isConst(e.Right):
			p = e.Left
		case e.Right.Kind == EPath && isConst(e.Left):
			p = e.Right
		}
	case EBetween, EIn:
		p = e.Left
	case ECall:
		if e.Func == "begins_with" {
			p = e.Args[0]
		}
	}
	if p == nil || p.Kind != EPath || len(p.Path) != 1 {
		return ""
	}
	return p.Path[0].Name
}

func isConst(e *Expr) bool {
	switch e.Kind {
	case ELit, EParam, EStruct, EList, EBag:
		return true
	}
	return false
}

// eqValue returns the constant of "name = constant" (either way round).
func (b *binder) eqValue(e *Expr) (*Expr, bool) {
	if e.Kind != EBinary || e.Op != "=" {
		return nil, false
	}
	if e.Left.Kind == EPath && isConst(e.Right) {
		return e.Right, true
	}
	if e.Right.Kind == EPath && isConst(e.Left) {
		return e.Left, true
	}
	return nil, false
}

func (b *binder) keyValue(name string, e *Expr) (attr.Value, error) {
	v, err := b.value(e)
	if err != nil {
		return v, err
	}
	if !v.T.IsScalar() {
		return v, verr("Key value must be of type S, N, or B. Key name: " + name + ", Key type: " + v.T.String())
	}
	return v, nil
}

// itemKey finds the equalities on every key attribute an UPDATE or DELETE
// needs, and returns the rest of the WHERE clause.
func (b *binder) itemKey(where *Expr, keys []string) (attr.Item, []*Expr, error) {
	key := attr.Item{}
	var rest []*Expr
	seen := map[string]bool{}
	for _, c := range conjuncts(where) {
		name := keyName(c)
		isKey := false
		for _, k := range keys {
			isKey = isKey || name == k
		}
		if !isKey {
			rest = append(rest, c)
			continue
		}
		if seen[name] {
			return nil, nil, verr("Multiple conditions on same key " + name + ". Only single item Update/Insert/Delete are supported")
		}
		seen[name] = true
		ve, ok := b.eqValue(c)
		if !ok {
			return nil, nil, verr("Where clause does not contain a mandatory equality on all key attributes")
		}
		v, err := b.keyValue(name, ve)
		if err != nil {
			return nil, nil, err
		}
		key[name] = v
	}
	if len(key) != len(keys) {
		return nil, nil, verr("Where clause does not contain a mandatory equality on all key attributes")
	}
	return key, rest, nil
}

func (b *binder) planSelect(s *Statement, pl *Plan, hashKey, rangeKey string) error {
	if s.Projection != nil {
		seen := map[string]bool{}
		pr := &expr.Projection{}
		for _, p := range s.Projection {
			f := p.Format()
			if seen[f] {
				return verr("Duplicate identifiers in select clause: " + f)
			}
			seen[f] = true
			pr.Paths = append(pr.Paths, exprPath(p))
		}
		pl.Projection = pr
	}
	if s.Where != nil {
		f, err := b.cond(s.Where)
		if err != nil {
			return err
		}
		pl.Filter = f
	}
	// The access path, from the top-level conjuncts on key attributes.
	var hashEq, rangeEq *Expr
	var hashIn []*Expr
	var rangeCond *Expr
	for _, c := range conjuncts(s.Where) {
		name := keyName(c)
		ve, eq := b.eqValue(c)
		switch {
		case name == "":
		case name == hashKey && eq && hashEq == nil:
			hashEq = ve
		case name == hashKey && c.Kind == EIn && hashIn == nil && allConst(c.Args):
			hashIn = c.Args
		case name == rangeKey && eq && rangeEq == nil:
			rangeEq = ve
		case name == rangeKey && rangeCond == nil && rangeUsable(c):
			rangeCond = c
		}
	}
	for _, o := range s.OrderBy {
		if o.Name != hashKey && o.Name != rangeKey {
			return verr("Variable reference " + o.Name + " in ORDER BY clause must be part of the primary key")
		}
		if s.Where == nil {
			return verr("Must have WHERE clause in the statement when using ORDER BY clause.")
		}
		if hashEq == nil && hashIn == nil {
			return verr("Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.")
		}
		pl.Descending = pl.Descending || o.Desc
	}
	// An index's keys are not unique, so reading one is always a query.
	point := s.Index == ""
	if !point && rangeEq != nil && rangeCond == nil {
		rangeCond = &Expr{Kind: EBinary, Op: "=", Left: &Expr{Kind: EPath, Path: Path{{Name: rangeKey}}}, Right: rangeEq}
	}
	switch {
	case point && hashEq != nil && (rangeKey == "" || rangeEq != nil):
		k, err := b.pointKey(hashKey, hashEq, rangeKey, rangeEq)
		if err != nil {
			return err
		}
		pl.Keys = []attr.Item{k}
	case hashEq != nil:
		hv, err := b.keyValue(hashKey, hashEq)
		if err != nil {
			return err
		}
		kc := &expr.KeyCondition{Conds: []expr.KeyCond{{Name: hashKey, Op: "EQ", Values: []attr.Value{hv}}}}
		if rangeCond != nil {
			rc, err := b.rangeKeyCond(rangeKey, rangeCond)
			if err != nil {
				return err
			}
			kc.Conds = append(kc.Conds, rc)
		}
		if err := kc.Check(hashKey, rangeKey); err != nil {
			return err
		}
		pl.Query = kc
	case point && hashIn != nil && (rangeKey == "" || rangeEq != nil):
		seen := map[string]bool{}
		for _, h := range hashIn {
			k, err := b.pointKey(hashKey, h, rangeKey, rangeEq)
			if err != nil {
				return err
			}
			id := string(k[hashKey].AppendJSON(nil))
			if !seen[id] {
				seen[id] = true
				pl.Keys = append(pl.Keys, k)
			}
		}
	case hashIn != nil:
		seen := map[string]bool{}
		var rc *expr.KeyCond
		if rangeCond != nil {
			c, err := b.rangeKeyCond(rangeKey, rangeCond)
			if err != nil {
				return err
			}
			rc = &c
		}
		for _, h := range hashIn {
			hv, err := b.keyValue(hashKey, h)
			if err != nil {
				return err
			}
			id := string(hv.AppendJSON(nil))
			if seen[id] {
				continue
			}
			seen[id] = true
			kc := &expr.KeyCondition{Conds: []expr.KeyCond{{Name: hashKey, Op: "EQ", Values: []attr.Value{hv}}}}
			if rc != nil {
				kc.Conds = append(kc.Conds, *rc)
			}
			if err := kc.Check(hashKey, rangeKey); err != nil {
				return err
			}
			pl.Queries = append(pl.Queries, kc)
		}
	}
	return nil
}

func allConst(es []*Expr) bool {
	for _, e := range es {
		if !isConst(e) {
			return false
		}
	}
	return true
}

// rangeUsable reports whether a conjunct on the sort key can bound a
// query: a comparison, BETWEEN or begins_with with constants.
func rangeUsable(c *Expr) bool {
	switch c.Kind {
	case EBinary:
		switch c.Op {
		case "<", "<=", ">", ">=":
			return true
		}
	case EBetween:
		return allConst(c.Args)
	case ECall:
		return c.Func == "begins_with" && c.Args[0].Kind == EPath && isConst(c.Args[1])
	}
	return false
}

var flip = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
var keyOp = map[string]string{"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}

func (b *binder) rangeKeyCond(name string, c *Expr) (expr.KeyCond, error) {
	kc := expr.KeyCond{Name: name}
	var vals []*Expr
	switch c.Kind {
	case EBinary:
		op := c.Op
		if c.Left.Kind == EPath {
			vals = []*Expr{c.Right}
		} else {
			vals, op = []*Expr{c.Left}, flip[op]
		}
		kc.Op = keyOp[op]
	case EBetween:
		kc.Op, vals = "BETWEEN", c.Args
	case ECall:
		kc.Op, vals = "BEGINS_WITH", c.Args[1:]
	}
	for _, e := range vals {
		v, err := b.keyValue(name, e)
		if err != nil {
			return kc, err
		}
		kc.Values = append(kc.Values, v)
	}
	return kc, nil
}

func (b *binder) pointKey(hashKey string, h *Expr, rangeKey string, r *Expr) (attr.Item, error) {
	hv, err := b.keyValue(hashKey, h)
	if err != nil {
		return nil, err
	}
	k := attr.Item{hashKey: hv}
	if rangeKey != "" {
		rv, err := b.keyValue(rangeKey, r)
		if err != nil {
			return nil, err
		}
		k[rangeKey] = rv
	}
	return k, nil
}

func exprPath(p Path) expr.Path {
	out := make(expr.Path, len(p))
	for i, s := range p {
		out[i] = expr.PathElem{Name: s.Name, Index: s.Index, IsIndex: s.IsIndex}
	}
	return out
}

// value evaluates a constant: a literal, parameter, struct, list or bag.
func (b *binder) value(e *Expr) (attr.Value, error) {
	switch e.Kind {
	case ELit:
		return e.Lit, nil
	case EParam:
		return b.params[e.Param], nil
	case EStruct:
		m := make(map[string]attr.Value, len(e.Fields))
		for _, f := range e.Fields {
			if f.Value.Kind == EMissing {
				continue
			}
			v, err := b.value(f.Value)
			if err != nil {
				return v, err
			}
			m[f.Key] = v
		}
		return attr.Map(m), nil
	case EList:
		l := make([]attr.Value, 0, len(e.Elems))
		for _, x := range e.Elems {
			v, err := b.value(x)
			if err != nil {
				return v, err
			}
			l = append(l, v)
		}
		return attr.List(l...), nil
	case EBag:
		return b.bag(e)
	case EMissing:
		return attr.Value{}, verr("MISSING must be compared using IS operator")
	}
	return attr.Value{}, verr("Unsupported operation: " + e.Format() + " is not a value")
}

// bag makes a set from <<...>>: all strings, all numbers or all binaries,
// duplicates dropped.
func (b *binder) bag(e *Expr) (attr.Value, error) {
	var out attr.Value
	seen := map[string]bool{}
	for i, x := range e.Elems {
		v, err := b.value(x)
		if err != nil {
			return v, err
		}
		var t attr.Type
		switch v.T {
		case attr.S:
			t = attr.SS
		case attr.N:
			t = attr.NS
		case attr.B:
			t = attr.BS
		default:
			return v, verr("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags")
		}
		if i == 0 {
			out.T = t
		} else if t != out.T {
			return v, verr("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags")
		}
		id := v.S
		if v.T == attr.B {
			id = string(v.B)
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		if v.T == attr.B {
			out.Bins = append(out.Bins, v.B)
		} else {
			out.Strs = append(out.Strs, v.S)
		}
	}
	return out, nil
}

// operand converts a value in a condition.
func (b *binder) operand(e *Expr, ctx string) (*expr.Operand, error) {
	switch {
	case e.Kind == EPath:
		return &expr.Operand{Kind: expr.OperandPath, Path: exprPath(e.Path)}, nil
	case e.Kind == EMissing:
		return nil, verr("MISSING must be compared using IS operator")
	case isConst(e):
		v, err := b.value(e)
		if err != nil {
			return nil, err
		}
		return &expr.Operand{Kind: expr.OperandValue, Value: v}, nil
	case e.Kind == ECall && e.Func == "size":
		a, err := b.operand(e.Args[0], ctx)
		if err != nil {
			return nil, err
		}
		return &expr.Operand{Kind: expr.OperandFunc, Func: "size", Args: []*expr.Operand{a}}, nil
	}
	return nil, verr("Unsupported operator in " + ctx + " Expression. Operator: " + opName(e))
}

func opName(e *Expr) string {
	switch e.Kind {
	case ECall:
		return e.Func
	case EBinary:
		return e.Op
	case ENot:
		return "NOT"
	case EBetween:
		return "BETWEEN"
	case EIn:
		return "IN"
	case EIs:
		return "IS"
	}
	return e.Format()
}

var isTypeNames = map[string]string{"NULL": "NULL", "BOOLEAN": "BOOL", "BLOB": "B", "STRING": "S", "NUMERIC": "N", "STRUCT": "M", "TUPLE": "M", "LIST": "L"}

// cond converts a WHERE clause.
func (b *binder) cond(e *Expr) (*expr.Condition, error) {
	switch e.Kind {
	case EBinary:
		switch e.Op {
		case "AND", "OR":
			l, err := b.cond(e.Left)
			if err != nil {
				return nil, err
			}
			r, err := b.cond(e.Right)
			if err != nil {
				return nil, err
			}
			kind := expr.CondAnd
			if e.Op == "OR" {
				kind = expr.CondOr
			}
			return &expr.Condition{Kind: kind, Left: l, Right: r}, nil
		case "+", "-":
			return nil, verr("Unsupported operator in Condition Expression. Operator: " + e.Op)
		}
		l, err := b.operand(e.Left, "Condition")
		if err != nil {
			return nil, err
		}
		r, err := b.operand(e.Right, "Condition")
		if err != nil {
			return nil, err
		}
		return &expr.Condition{Kind: expr.CondCompare, Op: e.Op, Args: []*expr.Operand{l, r}}, nil
	case ENot:
		c, err := b.cond(e.Left)
		if err != nil {
			return nil, err
		}
		return &expr.Condition{Kind: expr.CondNot, Left: c}, nil
	case EBetween, EIn:
		args := []*expr.Operand{}
		if e.Kind == EIn && e.Left.Kind != EPath {
			return nil, verr("IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member")
		}
		for _, x := range append([]*Expr{e.Left}, e.Args...) {
			o, err := b.operand(x, "Condition")
			if err != nil {
				return nil, err
			}
			args = append(args, o)
		}
		kind := expr.CondBetween
		if e.Kind == EIn {
			kind = expr.CondIn
		}
		return &expr.Condition{Kind: kind, Args: args}, nil
	case EIs:
		var c *expr.Condition
		switch e.Left.Kind {
		case EPath:
			if e.Type == "MISSING" {
				c = &expr.Condition{Kind: expr.CondFunc, Func: "attribute_not_exists", Args: []*expr.Operand{{Kind: expr.OperandPath, Path: exprPath(e.Left.Path)}}}
			} else {
				p := &expr.Operand{Kind: expr.OperandPath, Path: exprPath(e.Left.Path)}
				c = &expr.Condition{Kind: expr.CondFunc, Func: "attribute_type", Args: []*expr.Operand{p, {Kind: expr.OperandValue, Value: attr.Str(isTypeNames[e.Type])}}}
			}
		case ELit, EParam:
			v, err := b.value(e.Left)
			if err != nil {
				return nil, err
			}
			o := &expr.Operand{Kind: expr.OperandValue, Value: v}
			if e.Type == "MISSING" {
				// A value is never missing: v <> v is false.
				c = &expr.Condition{Kind: expr.CondCompare, Op: "<>", Args: []*expr.Operand{o, o}}
			} else {
				c = &expr.Condition{Kind: expr.CondFunc, Func: "attribute_type", Args: []*expr.Operand{o, {Kind: expr.OperandValue, Value: attr.Str(isTypeNames[e.Type])}}}
			}
		default:
			return nil, verr("The left hand side argument to IS must be a Variable Reference, Literal, or Path")
		}
		if e.Negated {
			c = &expr.Condition{Kind: expr.CondNot, Left: c}
		}
		return c, nil
	case ECall:
		switch e.Func {
		case "begins_with", "contains", "attribute_type":
			c := &expr.Condition{Kind: expr.CondFunc, Func: e.Func}
			for _, x := range e.Args {
				o, err := b.operand(x, "Condition")
				if err != nil {
					return nil, err
				}
				c.Args = append(c.Args, o)
			}
			return c, nil
		}
		return nil, verr("Unsupported operator in Condition Expression. Operator: " + e.Func)
	}
	return nil, verr("WHERE clause must contain an expression that resolves to a boolean")
}

// action converts an UPDATE's SET or REMOVE.
func (b *binder) action(a Action) (expr.Action, error) {
	path := exprPath(a.Path)
	if a.Remove {
		return expr.Action{Kind: expr.ActRemove, Path: path}, nil
	}
	if a.Value.Kind == ECall && (a.Value.Func == "set_add" || a.Value.Func == "set_delete") {
		fn := strings.ToUpper(strings.TrimPrefix(a.Value.Func, "set_"))
		first := a.Value.Args[0]
		if first.Kind != EPath || first.Path.Format() != a.Path.Format() {
			return expr.Action{}, verr("The first argument to SET_" + fn + " must equal the assignment value")
		}
		v, err := b.value(a.Value.Args[1])
		if err != nil || !v.T.IsSet() {
			return expr.Action{}, verr("The second argument to SET_" + fn + " must be a value with type SET")
		}
		kind := expr.ActAdd
		if fn == "DELETE" {
			kind = expr.ActDelete
		}
		return expr.Action{Kind: kind, Path: path, Value: &expr.Operand{Kind: expr.OperandValue, Value: v}}, nil
	}
	v, err := b.setValue(a.Value)
	if err != nil {
		return expr.Action{}, err
	}
	return expr.Action{Kind: expr.ActSet, Path: path, Value: v}, nil
}

func (b *binder) setValue(e *Expr) (*expr.Operand, error) {
	switch {
	case e.Kind == EPath || isConst(e):
		return b.operand(e, "Update")
	case e.Kind == EBinary && (e.Op == "+" || e.Op == "-"):
		l, err := b.setValue(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := b.setValue(e.Right)
		if err != nil {
			return nil, err
		}
		kind := expr.OperandPlus
		if e.Op == "-" {
			kind = expr.OperandMinus
		}
		return &expr.Operand{Kind: kind, Args: []*expr.Operand{l, r}}, nil
	case e.Kind == ECall && e.Func == "list_append":
		o := &expr.Operand{Kind: expr.OperandFunc, Func: "list_append"}
		for _, x := range e.Args {
			a, err := b.setValue(x)
			if err != nil {
				return nil, err
			}
			o.Args = append(o.Args, a)
		}
		return o, nil
	}
	return nil, verr("Unsupported operator in Update Expression. Operator: " + opName(e))
}
