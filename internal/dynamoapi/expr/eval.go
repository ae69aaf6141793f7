package expr

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Get returns the value at path in item, and whether it exists.
func Get(item attr.Item, path Path) (attr.Value, bool) {
	if len(path) == 0 || path[0].IsIndex {
		return attr.Value{}, false
	}
	v, ok := item[path[0].Name]
	if !ok {
		return attr.Value{}, false
	}
	for _, e := range path[1:] {
		switch {
		case e.IsIndex:
			if v.T != attr.L || e.Index >= len(v.L) {
				return attr.Value{}, false
			}
			v = v.L[e.Index]
		default:
			if v.T != attr.M {
				return attr.Value{}, false
			}
			v, ok = v.M[e.Name]
			if !ok {
				return attr.Value{}, false
			}
		}
	}
	return v, true
}

// Eval reports whether item satisfies the condition; a nil item is no
// item (every attribute missing). Evaluating a parsed condition does not
// fail; the error is for conditions built by hand with bad shapes.
func (c *Condition) Eval(item attr.Item) (bool, error) {
	switch c.Kind {
	case CondAnd:
		l, err := c.Left.Eval(item)
		if err != nil || !l {
			return false, err
		}
		return c.Right.Eval(item)
	case CondOr:
		l, err := c.Left.Eval(item)
		if err != nil || l {
			return l, err
		}
		return c.Right.Eval(item)
	case CondNot:
		l, err := c.Left.Eval(item)
		return !l, err
	case CondCompare:
		a, aok := evalOperand(c.Args[0], item)
		b, bok := evalOperand(c.Args[1], item)
		return compare(c.Op, a, aok, b, bok), nil
	case CondBetween:
		a, aok := evalOperand(c.Args[0], item)
		lo, lok := evalOperand(c.Args[1], item)
		hi, hok := evalOperand(c.Args[2], item)
		if !aok || !lok || !hok {
			return false, nil
		}
		c1, ok1 := attr.Compare(lo, a)
		c2, ok2 := attr.Compare(a, hi)
		return ok1 && ok2 && c1 <= 0 && c2 <= 0, nil
	case CondIn:
		a, aok := evalOperand(c.Args[0], item)
		if !aok {
			return false, nil
		}
		for _, o := range c.Args[1:] {
			if b, ok := evalOperand(o, item); ok && attr.Equal(a, b) {
				return true, nil
			}
		}
		return false, nil
	case CondFunc:
		return evalFunc(c, item), nil
	}
	return false, &Error{Msg: "invalid condition"}
}

// compare applies a comparator: values of different types are unequal and
// unordered; a missing operand makes every comparator false except <>.
func compare(op string, a attr.Value, aok bool, b attr.Value, bok bool) bool {
	switch op {
	case "=":
		return aok && bok && attr.Equal(a, b)
	case "<>":
		return !(aok && bok && attr.Equal(a, b))
	}
	if !aok || !bok {
		return false
	}
	c, ok := attr.Compare(a, b)
	if !ok {
		return false
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

func evalFunc(c *Condition, item attr.Item) bool {
	switch c.Func {
	case "attribute_exists":
		_, ok := Get(item, c.Args[0].Path)
		return ok
	case "attribute_not_exists":
		_, ok := Get(item, c.Args[0].Path)
		return !ok
	case "attribute_type":
		a, ok := evalOperand(c.Args[0], item)
		t, tok := evalOperand(c.Args[1], item)
		return ok && tok && t.T == attr.S && a.T.String() == t.S
	case "begins_with":
		a, ok := evalOperand(c.Args[0], item)
		p, pok := evalOperand(c.Args[1], item)
		if !ok || !pok || a.T != p.T {
			return false
		}
		switch a.T {
		case attr.S:
			return strings.HasPrefix(a.S, p.S)
		case attr.B:
			return bytes.HasPrefix(a.B, p.B)
		}
		return false
	case "contains":
		a, ok := evalOperand(c.Args[0], item)
		v, vok := evalOperand(c.Args[1], item)
		if !ok || !vok {
			return false
		}
		return contains(a, v)
	}
	return false
}

// contains is DynamoDB's contains(): a substring of a string, a member of
// a set of the operand's type, or an element of a list.
func contains(a, v attr.Value) bool {
	switch a.T {
	case attr.S:
		return v.T == attr.S && strings.Contains(a.S, v.S)
	case attr.B:
		return v.T == attr.B && bytes.Contains(a.B, v.B)
	case attr.SS:
		if v.T != attr.S {
			return false
		}
		for _, s := range a.Strs {
			if s == v.S {
				return true
			}
		}
	case attr.NS:
		if v.T != attr.N {
			return false
		}
		for _, s := range a.Strs {
			if attr.CompareNumbers(s, v.S) == 0 {
				return true
			}
		}
	case attr.BS:
		if v.T != attr.B {
			return false
		}
		for _, b := range a.Bins {
			if bytes.Equal(b, v.B) {
				return true
			}
		}
	case attr.L:
		for _, e := range a.L {
			if attr.Equal(e, v) {
				return true
			}
		}
	}
	return false
}

// evalOperand evaluates a path, value or size() operand.
func evalOperand(o *Operand, item attr.Item) (attr.Value, bool) {
	switch o.Kind {
	case OperandPath:
		return Get(item, o.Path)
	case OperandValue:
		return o.Value, true
	case OperandFunc:
		if o.Func == "size" && len(o.Args) == 1 {
			v, ok := evalOperand(o.Args[0], item)
			if !ok {
				return attr.Value{}, false
			}
			n, ok := Size(v)
			if !ok {
				return attr.Value{}, false
			}
			return attr.Num(strconv.Itoa(n)), true
		}
	}
	return attr.Value{}, false
}

// Size is DynamoDB's size(): a string's length in UTF-8 bytes (as
// ScyllaDB Alternator, tested against DynamoDB, counts it), a binary's bytes, the
// number of elements of a set, list or map. ok is false for N, BOOL and
// NULL, which have no size.
func Size(v attr.Value) (n int, ok bool) {
	switch v.T {
	case attr.S:
		return len(v.S), true
	case attr.B:
		return len(v.B), true
	case attr.SS, attr.NS:
		return len(v.Strs), true
	case attr.BS:
		return len(v.Bins), true
	case attr.L:
		return len(v.L), true
	case attr.M:
		return len(v.M), true
	}
	return 0, false
}
