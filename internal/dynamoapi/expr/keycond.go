package expr

import (
	"bytes"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// KeyCondition is a Query's key condition: equality on the partition key
// and an optional condition on the sort key. The names are filled from the
// expression; Check matches them to the table or index key schema.
type KeyCondition struct {
	// Cond is the parsed expression (nil for legacy KeyConditions).
	Cond *Condition
	// Conds are the conditions on each named attribute, in the order
	// written.
	Conds []KeyCond

	// Set by Check:
	HashName  string
	HashValue attr.Value
	Range     *KeyCond // nil when the sort key is not constrained
}

// KeyCond is a condition on one key attribute.
type KeyCond struct {
	Name   string
	Op     string // EQ, LT, LE, GT, GE, BETWEEN, BEGINS_WITH
	Values []attr.Value
}

// Match reports whether a sort key value satisfies the condition; values
// of another type never do.
func (k *KeyCond) Match(v attr.Value) bool {
	if k.Op == "BEGINS_WITH" {
		p := k.Values[0]
		switch {
		case v.T != p.T:
			return false
		case v.T == attr.S:
			return strings.HasPrefix(v.S, p.S)
		case v.T == attr.B:
			return bytes.HasPrefix(v.B, p.B)
		}
		return false
	}
	c, ok := attr.Compare(v, k.Values[0])
	if !ok {
		return false
	}
	switch k.Op {
	case "EQ":
		return c == 0
	case "LT":
		return c < 0
	case "LE":
		return c <= 0
	case "GT":
		return c > 0
	case "GE":
		return c >= 0
	case "BETWEEN":
		c2, ok := attr.Compare(v, k.Values[1])
		return c >= 0 && ok && c2 <= 0
	}
	return false
}

// Format prints the key condition as written.
func (k *KeyCondition) Format() string {
	if k.Cond != nil {
		return k.Cond.Format()
	}
	return ""
}

var keyOps = map[string]string{"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}
var flipped = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// ParseKeyCondition parses a KeyConditionExpression: the condition
// language limited to AND of comparisons, BETWEEN and begins_with on
// top-level attributes, with DynamoDB's (dynalite's) texts for the rest.
func ParseKeyCondition(s string, params *Params) (*KeyCondition, error) {
	c, err := parseCondition(s, params, KindKeyCondition)
	if err != nil {
		return nil, err
	}
	k := &KeyCondition{Cond: c}
	if err := k.collect(c); err != nil {
		return nil, err
	}
	// DynamoDB refuses a third condition as too many before looking at
	// the key schema (Alternator's test_key_condition_expression_non_key
	// records this; the text is the legacy KeyConditions one).
	if len(k.Conds) > 2 {
		return nil, errorf("Conditions can be of length 1 or 2 only")
	}
	return k, nil
}

func (k *KeyCondition) collect(c *Condition) error {
	switch c.Kind {
	case CondOr:
		return errorf("Invalid operator used in KeyConditionExpression: OR")
	case CondNot:
		return errorf("Invalid operator used in KeyConditionExpression: NOT")
	case CondIn:
		return errorf("Invalid operator used in KeyConditionExpression: IN")
	case CondAnd:
		if err := k.collect(c.Left); err != nil {
			return err
		}
		return k.collect(c.Right)
	case CondFunc:
		if c.Func != "begins_with" {
			return errorf("Invalid operator used in KeyConditionExpression: " + c.Func)
		}
	case CondCompare:
		if c.Op == "<>" {
			return errorf("Invalid operator used in KeyConditionExpression: <>")
		}
	}
	for _, a := range c.Args {
		if a.Kind == OperandFunc {
			return errorf("KeyConditionExpressions cannot contain nested operations")
		}
	}
	first := c.Args[0].Kind == OperandPath
	switch {
	case c.Kind == CondBetween && !first:
		return errorf("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand")
	case c.Kind == CondFunc && !first:
		return errorf("Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand")
	}
	name, at := "", -1
	var values []attr.Value
	for i, a := range c.Args {
		if a.Kind != OperandPath {
			values = append(values, a.Value)
			continue
		}
		if at >= 0 {
			return errorf("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")
		}
		if len(a.Path) > 1 {
			return errorf("KeyConditionExpressions cannot have conditions on nested attributes")
		}
		name, at = a.Path[0].Name, i
	}
	if at < 0 {
		return errorf("Invalid condition in KeyConditionExpression: No key attribute specified")
	}
	for _, prev := range k.Conds {
		if prev.Name == name {
			return errorf("KeyConditionExpressions must only contain one condition per key")
		}
	}
	kc := KeyCond{Name: name, Values: values}
	switch c.Kind {
	case CondBetween:
		kc.Op = "BETWEEN"
	case CondFunc:
		kc.Op = "BEGINS_WITH"
	default:
		op := c.Op
		if at != 0 {
			op = flipped[op]
		}
		kc.Op = keyOps[op]
	}
	k.Conds = append(k.Conds, kc)
	return nil
}

// Check matches the conditions to a key schema (hashKey and, if the table
// or index has one, rangeKey), with DynamoDB's messages, and sets
// HashName, HashValue and Range.
func (k *KeyCondition) Check(hashKey, rangeKey string) error {
	var hash *KeyCond
	for i := range k.Conds {
		if k.Conds[i].Name == hashKey {
			hash = &k.Conds[i]
		}
	}
	if hash == nil {
		return errorf("Query condition missed key schema element: " + hashKey)
	}
	if hash.Op != "EQ" {
		return errorf("Query key condition not supported")
	}
	k.HashName, k.HashValue, k.Range = hashKey, hash.Values[0], nil
	for i := range k.Conds {
		c := &k.Conds[i]
		switch {
		case c == hash:
		case rangeKey == "":
			return errorf("Query key condition not supported")
		case c.Name != rangeKey:
			return errorf("Query condition missed key schema element: " + rangeKey)
		default:
			k.Range = c
		}
	}
	return nil
}

// CheckTypes checks the condition's values against the key attributes'
// types (after Check), with DynamoDB's messages.
func (k *KeyCondition) CheckTypes(hashType, rangeType attr.Type) error {
	mismatch := errorf("One or more parameter values were invalid: Condition parameter type does not match schema type")
	if k.HashValue.T != hashType {
		return mismatch
	}
	if k.Range == nil {
		return nil
	}
	if k.Range.Op == "BEGINS_WITH" && rangeType == attr.N {
		return KindKeyCondition.errorf("Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
	}
	for _, v := range k.Range.Values {
		if v.T != rangeType {
			return mismatch
		}
	}
	return nil
}

// Match reports whether an item's key attributes satisfy the condition
// (after Check).
func (k *KeyCondition) Match(item attr.Item) bool {
	h, ok := item[k.HashName]
	if !ok || !attr.Equal(h, k.HashValue) {
		return false
	}
	if k.Range == nil {
		return true
	}
	r, ok := item[k.Range.Name]
	return ok && k.Range.Match(r)
}
