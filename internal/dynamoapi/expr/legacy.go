package expr

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// This file converts the legacy (pre-expression) request parameters to the
// same AST as the expressions, with DynamoDB's validation texts (as dynalite
// records them, validations/index.js and validations/updateItem.js).

// LegacyCondition is one entry of Expected, QueryFilter, ScanFilter or
// KeyConditions, decoded from the wire. A nil AttributeValueList means the
// field was absent.
type LegacyCondition struct {
	ComparisonOperator string       `json:"ComparisonOperator,omitempty"`
	AttributeValueList []attr.Value `json:"AttributeValueList,omitempty"`
	// Value and Exists are Expected's older form.
	Value  *attr.Value `json:"Value,omitempty"`
	Exists *bool       `json:"Exists,omitempty"`
}

// AttributeUpdate is one entry of UpdateItem's legacy AttributeUpdates.
type AttributeUpdate struct {
	Action string      `json:"Action,omitempty"` // PUT (the default), ADD or DELETE
	Value  *attr.Value `json:"Value,omitempty"`
}

func invalidParam(msg string) *Error {
	return errorf("One or more parameter values were invalid: " + msg)
}

// Param is a request parameter's name and whether the request has it.
type Param struct {
	Name    string
	Present bool
}

// CheckParams gives DynamoDB's errors for a request that mixes expression
// and non-expression parameters, or has ExpressionAttributeNames or
// ExpressionAttributeValues without an expression that could use them.
// exprs and nonExprs are the operation's parameters of each kind, in the
// order DynamoDB names them (e.g. UpdateItem: UpdateExpression,
// ConditionExpression; AttributeUpdates, Expected).
func CheckParams(exprs, nonExprs []Param, hasNames, hasValues bool) error {
	var usedExpr, usedNon []string
	keyCondExpr := false
	for _, p := range exprs {
		if p.Present {
			usedExpr = append(usedExpr, p.Name)
			if p.Name == "KeyConditionExpression" {
				keyCondExpr = true
			}
		}
	}
	if len(usedExpr) > 0 {
		for _, p := range nonExprs {
			// KeyConditions may go with the other expressions; only
			// KeyConditionExpression excludes it.
			if p.Present && (p.Name != "KeyConditions" || keyCondExpr) {
				usedNon = append(usedNon, p.Name)
			}
		}
		if len(usedNon) > 0 {
			return errorf("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {" +
				strings.Join(usedNon, ", ") + "} Expression parameters: {" + strings.Join(usedExpr, ", ") + "}")
		}
	}
	if hasNames && len(usedExpr) == 0 {
		return errorf("ExpressionAttributeNames can only be specified when using expressions")
	}
	var valExprs []string
	valUsed := false
	for _, p := range exprs {
		if p.Name != "ProjectionExpression" {
			valExprs = append(valExprs, p.Name)
			valUsed = valUsed || p.Present
		}
	}
	if hasValues && len(valExprs) > 0 && !valUsed {
		verb := "is"
		if len(valExprs) > 1 {
			verb = "are"
		}
		return errorf("ExpressionAttributeValues can only be specified when using expressions: " + strings.Join(valExprs, " and ") + " " + verb + " null")
	}
	return nil
}

// legacyArgs are the operand counts of each ComparisonOperator (-1: one
// or more).
var legacyArgs = map[string]int{
	"NULL": 0, "NOT_NULL": 0, "EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1,
	"CONTAINS": 1, "NOT_CONTAINS": 1, "BEGINS_WITH": 1, "IN": -1, "BETWEEN": 2,
}

// legacyTypes are the value types each ComparisonOperator accepts (EQ and
// NE take every type: "Condition" in the DynamoDB API reference).
var legacyTypes = map[string][]attr.Type{
	"LE": {attr.S, attr.N, attr.B}, "LT": {attr.S, attr.N, attr.B}, "GE": {attr.S, attr.N, attr.B}, "GT": {attr.S, attr.N, attr.B},
	"CONTAINS": {attr.S, attr.N, attr.B}, "NOT_CONTAINS": {attr.S, attr.N, attr.B}, "BEGINS_WITH": {attr.S, attr.B},
	"IN": {attr.S, attr.N, attr.B}, "BETWEEN": {attr.S, attr.N, attr.B},
}

// checkLegacy validates one condition's operator and values.
func checkLegacy(op string, vals []attr.Value) error {
	want, ok := legacyArgs[op]
	if !ok || (want >= 0 && len(vals) != want) || (want < 0 && len(vals) == 0) {
		return invalidParam("Invalid number of argument(s) for the " + op + " ComparisonOperator")
	}
	for _, v := range vals[min(1, len(vals)):] {
		if v.T != vals[0].T {
			return invalidParam("AttributeValues inside AttributeValueList must be of same type")
		}
	}
	if types, ok := legacyTypes[op]; ok {
		for _, v := range vals {
			found := false
			for _, t := range types {
				found = found || v.T == t
			}
			if !found {
				return invalidParam("ComparisonOperator " + op + " is not valid for " + v.T.String() + " AttributeValue type")
			}
		}
	}
	if op == "BETWEEN" {
		if c, ok := attr.Compare(vals[0], vals[1]); ok && c > 0 {
			return errorf("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
		}
	}
	return nil
}

func legacyValue(v attr.Value) *Operand { return &Operand{Kind: OperandValue, Value: v} }

// legacyNode builds the condition for one attribute's ComparisonOperator.
func legacyNode(name, op string, vals []attr.Value) *Condition {
	path := &Operand{Kind: OperandPath, Path: NamePath(name)}
	cmp := func(o string) *Condition {
		return &Condition{Kind: CondCompare, Op: o, Args: []*Operand{path, legacyValue(vals[0])}}
	}
	fn := func(f string, args ...*Operand) *Condition {
		return &Condition{Kind: CondFunc, Func: f, Args: append([]*Operand{path}, args...)}
	}
	switch op {
	case "EQ":
		return cmp("=")
	case "NE":
		return cmp("<>")
	case "LT":
		return cmp("<")
	case "LE":
		return cmp("<=")
	case "GT":
		return cmp(">")
	case "GE":
		return cmp(">=")
	case "NULL":
		return fn("attribute_not_exists")
	case "NOT_NULL":
		return fn("attribute_exists")
	case "CONTAINS":
		return fn("contains", legacyValue(vals[0]))
	case "NOT_CONTAINS":
		return &Condition{Kind: CondNot, Left: fn("contains", legacyValue(vals[0]))}
	case "BEGINS_WITH":
		return fn("begins_with", legacyValue(vals[0]))
	case "BETWEEN":
		return &Condition{Kind: CondBetween, Args: []*Operand{path, legacyValue(vals[0]), legacyValue(vals[1])}}
	case "IN":
		args := []*Operand{path}
		for _, v := range vals {
			args = append(args, legacyValue(v))
		}
		return &Condition{Kind: CondIn, Args: args}
	}
	return nil
}

// join combines conditions with ConditionalOperator (AND when empty).
func join(conds []*Condition, op string) *Condition {
	if len(conds) == 0 {
		return nil
	}
	kind := CondAnd
	if op == "OR" {
		kind = CondOr
	}
	c := conds[0]
	for _, n := range conds[1:] {
		c = &Condition{Kind: kind, Left: c, Right: n}
	}
	return c
}

// ConvertExpected converts PutItem's, UpdateItem's or DeleteItem's
// Expected (with ConditionalOperator) to a condition; nil when empty.
func ConvertExpected(expected map[string]LegacyCondition, conditionalOperator string) (*Condition, error) {
	var conds []*Condition
	for _, name := range sortedKeys(expected) {
		c := expected[name]
		if c.AttributeValueList != nil && c.Value != nil {
			return nil, invalidParam("Value and AttributeValueList cannot be used together for Attribute: " + name)
		}
		if c.ComparisonOperator != "" {
			if c.Exists != nil {
				return nil, invalidParam("Exists and ComparisonOperator cannot be used together for Attribute: " + name)
			}
			op := c.ComparisonOperator
			if op != "NULL" && op != "NOT_NULL" && c.AttributeValueList == nil && c.Value == nil {
				return nil, invalidParam("Value or AttributeValueList must be used with ComparisonOperator: " + op + " for Attribute: " + name)
			}
			vals := c.AttributeValueList
			if c.Value != nil {
				vals = []attr.Value{*c.Value}
			}
			if err := checkLegacy(op, vals); err != nil {
				return nil, err
			}
			conds = append(conds, legacyNode(name, op, vals))
			continue
		}
		if c.AttributeValueList != nil {
			return nil, invalidParam("AttributeValueList can only be used with a ComparisonOperator for Attribute: " + name)
		}
		exists := c.Exists == nil || *c.Exists
		switch {
		case exists && c.Value == nil:
			state := "null"
			if c.Exists != nil {
				state = "true"
			}
			return nil, invalidParam("Value must be provided when Exists is " + state + " for Attribute: " + name)
		case !exists && c.Value != nil:
			return nil, invalidParam("Value cannot be used when Exists is false for Attribute: " + name)
		case exists:
			conds = append(conds, legacyNode(name, "EQ", []attr.Value{*c.Value}))
		default:
			conds = append(conds, legacyNode(name, "NULL", nil))
		}
	}
	return join(conds, conditionalOperator), nil
}

// ConvertFilter converts Query's QueryFilter or Scan's ScanFilter (with
// ConditionalOperator) to a condition; nil when empty.
func ConvertFilter(filter map[string]LegacyCondition, conditionalOperator string) (*Condition, error) {
	var conds []*Condition
	for _, name := range sortedKeys(filter) {
		c := filter[name]
		if err := checkLegacy(c.ComparisonOperator, c.AttributeValueList); err != nil {
			return nil, err
		}
		conds = append(conds, legacyNode(name, c.ComparisonOperator, c.AttributeValueList))
	}
	return join(conds, conditionalOperator), nil
}

// ConvertKeyConditions converts Query's legacy KeyConditions; call Check on
// the result as for a KeyConditionExpression.
func ConvertKeyConditions(conds map[string]LegacyCondition) (*KeyCondition, error) {
	k := &KeyCondition{}
	for _, name := range sortedKeys(conds) {
		c := conds[name]
		if err := checkLegacy(c.ComparisonOperator, c.AttributeValueList); err != nil {
			return nil, err
		}
		switch c.ComparisonOperator {
		case "EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN":
		default:
			return nil, errorf("Attempted conditional constraint is not an indexable operation")
		}
		k.Conds = append(k.Conds, KeyCond{Name: name, Op: c.ComparisonOperator, Values: c.AttributeValueList})
	}
	if len(k.Conds) > 2 {
		return nil, errorf("Conditions can be of length 1 or 2 only")
	}
	return k, nil
}

// ConvertAttributeUpdates converts UpdateItem's legacy AttributeUpdates to
// an update: PUT is SET, DELETE without a value is REMOVE, DELETE with a
// set is DELETE, ADD of a number or set is ADD and ADD of a list appends.
func ConvertAttributeUpdates(updates map[string]AttributeUpdate) (*Update, error) {
	var set, remove, addA, delA []Action
	for _, name := range sortedKeys(updates) {
		a := updates[name]
		path := NamePath(name)
		action := a.Action
		if action == "" {
			action = "PUT"
		}
		if a.Value == nil && action != "DELETE" {
			return nil, invalidParam("Only DELETE action is allowed when no attribute value is specified")
		}
		switch action {
		case "PUT":
			set = append(set, Action{Kind: ActSet, Path: path, Value: legacyValue(*a.Value)})
		case "DELETE":
			if a.Value == nil {
				remove = append(remove, Action{Kind: ActRemove, Path: path})
				continue
			}
			if !a.Value.T.IsSet() {
				return nil, invalidParam("DELETE action with value is not supported for the type " + a.Value.T.String())
			}
			delA = append(delA, Action{Kind: ActDelete, Path: path, Value: legacyValue(*a.Value)})
		case "ADD":
			switch {
			case a.Value.T == attr.L:
				// list_append(if_not_exists(a, []), value)
				cur := &Operand{Kind: OperandFunc, Func: "if_not_exists", Args: []*Operand{{Kind: OperandPath, Path: path}, legacyValue(attr.List())}}
				set = append(set, Action{Kind: ActSet, Path: path, Value: &Operand{Kind: OperandFunc, Func: "list_append", Args: []*Operand{cur, legacyValue(*a.Value)}}})
			case a.Value.T == attr.N || a.Value.T.IsSet():
				addA = append(addA, Action{Kind: ActAdd, Path: path, Value: legacyValue(*a.Value)})
			default:
				return nil, invalidParam("ADD action is not supported for the type " + a.Value.T.String())
			}
		default:
			return nil, errorf("1 validation error detected: Value '" + action + "' at 'attributeUpdates." + name + ".member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]")
		}
	}
	u := &Update{}
	for k, acts := range [][]Action{ActSet: set, ActRemove: remove, ActAdd: addA, ActDelete: delA} {
		if len(acts) > 0 {
			u.Sections = append(u.Sections, Section{Kind: ActionKind(k), Actions: acts})
		}
	}
	return u, nil
}

// ConvertAttributesToGet converts the legacy AttributesToGet to a
// projection of top-level attributes, refusing duplicates as DynamoDB does.
func ConvertAttributesToGet(names []string) (*Projection, error) {
	seen := map[string]bool{}
	p := &Projection{}
	for _, n := range names {
		if seen[n] {
			return nil, invalidParam("Duplicate value in attribute name: " + n)
		}
		seen[n] = true
		p.Paths = append(p.Paths, NamePath(n))
	}
	return p, nil
}
