package expr

import (
	"bytes"
	"cmp"
	"errors"
	"sort"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Apply runs the update on item (nil for no item: an upsert) and returns
// the new item and the paths it changed. As in DynamoDB, every SET value
// is computed from the item as it was before the update, and list
// elements removed by REMOVE are named by their positions before it.
// item is not modified.
func (u *Update) Apply(item attr.Item) (attr.Item, []Path, error) {
	actions := u.Actions()
	// Values first, from the old item.
	vals := make([]attr.Value, len(actions))
	for i, a := range actions {
		if a.Kind != ActSet {
			if a.Value != nil {
				vals[i] = a.Value.Value
			}
			continue
		}
		v, err := evalSetValue(a.Value, item)
		if err != nil {
			return nil, nil, err
		}
		vals[i] = v
	}
	// Then the changes, with list positions as they were before the
	// update: first everything that replaces or modifies in place (SET,
	// ADD, DELETE), then REMOVEs from the last path to the first (so a
	// removed list element never shifts one still to be handled), then
	// writes past the end of a list (appends, in index order). With no
	// item, REMOVE and DELETE have nothing to act on.
	phase := func(a Action) int {
		if a.Kind == ActRemove {
			return 1
		}
		if last := len(a.Path) - 1; last > 0 && a.Path[last].IsIndex {
			if _, ok := Get(item, a.Path); !ok {
				return 2
			}
		}
		return 0
	}
	order := make([]int, 0, len(actions))
	for i, a := range actions {
		if item == nil && (a.Kind == ActRemove || a.Kind == ActDelete) {
			continue
		}
		order = append(order, i)
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := actions[order[x]], actions[order[y]]
		pa, pb := phase(a), phase(b)
		switch {
		case pa != pb:
			return pa < pb
		case pa == 1:
			return comparePaths(a.Path, b.Path) > 0
		case pa == 2:
			return comparePaths(a.Path, b.Path) < 0
		}
		return false
	})
	// The new item's top level is a copy made once; nested maps and lists
	// are copied on the way down by edit.
	top := make(attr.Item, len(item)+len(actions))
	for k, v := range item {
		top[k] = v
	}
	for _, i := range order {
		a, v := actions[i], vals[i]
		var op editFunc
		switch a.Kind {
		case ActSet:
			op = func(attr.Value, bool) (attr.Value, bool, error) { return v, false, nil }
		case ActRemove:
			op = func(attr.Value, bool) (attr.Value, bool, error) { return attr.Value{}, true, nil }
		case ActAdd:
			op = func(old attr.Value, ok bool) (attr.Value, bool, error) { return add(old, ok, v) }
		case ActDelete:
			op = func(old attr.Value, ok bool) (attr.Value, bool, error) { return del(old, ok, v) }
		}
		if err := editTop(top, a.Path, op); err != nil {
			return nil, nil, err
		}
	}
	// The changed paths, in the order the expression names them.
	sort.Ints(order)
	updated := make([]Path, len(order))
	for j, i := range order {
		updated[j] = actions[i].Path
	}
	return top, updated, nil
}

// editTop applies op at path in top, a map the caller owns.
func editTop(top attr.Item, path Path, op editFunc) error {
	name := path[0].Name
	old, exists := top[name]
	if len(path) > 1 {
		if !exists {
			return ErrInvalidPath
		}
		nv, err := edit(old, path[1:], op)
		if err != nil {
			return err
		}
		top[name] = nv
		return nil
	}
	nv, remove, err := op(old, exists)
	switch {
	case err != nil:
		return err
	case remove:
		delete(top, name)
	default:
		top[name] = nv
	}
	return nil
}

// comparePaths orders paths step by step: names as strings, list indexes
// as numbers (before names), a path before the paths under it.
func comparePaths(a, b Path) int {
	for k := 0; k < len(a) && k < len(b); k++ {
		x, y := a[k], b[k]
		switch {
		case x.IsIndex && y.IsIndex:
			if x.Index != y.Index {
				return cmp.Compare(x.Index, y.Index)
			}
		case x.IsIndex != y.IsIndex:
			if x.IsIndex {
				return -1
			}
			return 1
		case x.Name != y.Name:
			return strings.Compare(x.Name, y.Name)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// editFunc computes a path's new value from its old one (ok is whether
// it existed); remove says to remove it instead.
type editFunc func(old attr.Value, ok bool) (nv attr.Value, remove bool, err error)

// edit returns v with the value at path replaced by op's result, copying
// the maps and lists on the way. A missing parent is an error; a missing
// leaf is created (SET, ADD) or left alone (REMOVE, DELETE).
func edit(v attr.Value, path Path, op editFunc) (attr.Value, error) {
	e, rest := path[0], path[1:]
	if e.IsIndex {
		if v.T != attr.L {
			return v, ErrInvalidPath
		}
		exists := e.Index < len(v.L)
		if len(rest) > 0 {
			if !exists {
				return v, ErrInvalidPath
			}
			child, err := edit(v.L[e.Index], rest, op)
			if err != nil {
				return v, err
			}
			l := append([]attr.Value(nil), v.L...)
			l[e.Index] = child
			return attr.List(l...), nil
		}
		var old attr.Value
		if exists {
			old = v.L[e.Index]
		}
		nv, remove, err := op(old, exists)
		if err != nil {
			return v, err
		}
		switch {
		case remove && !exists:
			return v, nil
		case remove:
			l := make([]attr.Value, 0, len(v.L)-1)
			l = append(l, v.L[:e.Index]...)
			return attr.List(append(l, v.L[e.Index+1:]...)...), nil
		case exists:
			l := append([]attr.Value(nil), v.L...)
			l[e.Index] = nv
			return attr.List(l...), nil
		}
		// An index past the end appends, as DynamoDB does.
		return attr.List(append(append([]attr.Value(nil), v.L...), nv)...), nil
	}
	if v.T != attr.M {
		return v, ErrInvalidPath
	}
	old, exists := v.M[e.Name]
	m := make(map[string]attr.Value, len(v.M)+1)
	for k, x := range v.M {
		m[k] = x
	}
	if len(rest) > 0 {
		if !exists {
			return v, ErrInvalidPath
		}
		child, err := edit(old, rest, op)
		if err != nil {
			return v, err
		}
		m[e.Name] = child
		return attr.Map(m), nil
	}
	nv, remove, err := op(old, exists)
	if err != nil {
		return v, err
	}
	if remove {
		if !exists {
			return v, nil
		}
		delete(m, e.Name)
	} else {
		m[e.Name] = nv
	}
	return attr.Map(m), nil
}

// evalSetValue computes a SET value against the old item.
func evalSetValue(o *Operand, item attr.Item) (attr.Value, error) {
	switch o.Kind {
	case OperandValue:
		return o.Value, nil
	case OperandPath:
		v, ok := Get(item, o.Path)
		if !ok {
			return v, ErrMissingOperand
		}
		return v, nil
	case OperandFunc:
		switch o.Func {
		case "if_not_exists":
			if v, ok := Get(item, o.Args[0].Path); ok {
				return v, nil
			}
			return evalSetValue(o.Args[1], item)
		case "list_append":
			a, err := evalSetValue(o.Args[0], item)
			if err != nil {
				return a, err
			}
			b, err := evalSetValue(o.Args[1], item)
			if err != nil {
				return b, err
			}
			if a.T != attr.L || b.T != attr.L {
				return a, ErrOperandType
			}
			l := make([]attr.Value, 0, len(a.L)+len(b.L))
			return attr.List(append(append(l, a.L...), b.L...)...), nil
		}
	case OperandPlus, OperandMinus:
		a, err := evalSetValue(o.Args[0], item)
		if err != nil {
			return a, err
		}
		b, err := evalSetValue(o.Args[1], item)
		if err != nil {
			return b, err
		}
		if a.T != attr.N || b.T != attr.N {
			return a, ErrOperandType
		}
		var r string
		if o.Kind == OperandPlus {
			r, err = attr.AddNumbers(a.S, b.S)
		} else {
			r, err = attr.SubNumbers(a.S, b.S)
		}
		if err != nil {
			return a, numberError(err)
		}
		return attr.Num(r), nil
	}
	return attr.Value{}, &Error{Msg: "invalid update value"}
}

// numberError turns attr's number errors (DynamoDB's texts) into *Error.
func numberError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Msg: err.Error()}
}

// add is ADD: a number added to a number (or to nothing), or a set's
// members added to a set of the same type (or to nothing).
func add(old attr.Value, ok bool, v attr.Value) (attr.Value, bool, error) {
	if !ok {
		return v, false, nil
	}
	if old.T != v.T {
		return old, false, ErrOperandType
	}
	switch v.T {
	case attr.N:
		r, err := attr.AddNumbers(old.S, v.S)
		if err != nil {
			return old, false, numberError(err)
		}
		return attr.Num(r), false, nil
	case attr.SS, attr.NS:
		out := attr.Value{T: v.T, Strs: append([]string(nil), old.Strs...)}
		for _, s := range v.Strs {
			if !hasStr(old, s) {
				out.Strs = append(out.Strs, s)
			}
		}
		return out, false, nil
	case attr.BS:
		out := attr.Value{T: v.T, Bins: append([][]byte(nil), old.Bins...)}
		for _, b := range v.Bins {
			if !hasBin(old.Bins, b) {
				out.Bins = append(out.Bins, b)
			}
		}
		return out, false, nil
	}
	return old, false, ErrOperandType
}

// del is DELETE: a set's members taken from a set of the same type; an
// empty result removes the attribute, and a missing one is left alone.
func del(old attr.Value, ok bool, v attr.Value) (attr.Value, bool, error) {
	if !ok {
		return old, true, nil
	}
	if old.T != v.T {
		return old, false, ErrOperandType
	}
	out := attr.Value{T: old.T}
	switch old.T {
	case attr.SS, attr.NS:
		for _, s := range old.Strs {
			if !hasStr(v, s) {
				out.Strs = append(out.Strs, s)
			}
		}
		return out, len(out.Strs) == 0, nil
	case attr.BS:
		for _, b := range old.Bins {
			if !hasBin(v.Bins, b) {
				out.Bins = append(out.Bins, b)
			}
		}
		return out, len(out.Bins) == 0, nil
	}
	return old, false, ErrOperandType
}

func hasStr(set attr.Value, s string) bool {
	for _, x := range set.Strs {
		if x == s || (set.T == attr.NS && attr.CompareNumbers(x, s) == 0) {
			return true
		}
	}
	return false
}

func hasBin(set [][]byte, b []byte) bool {
	for _, x := range set {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}
