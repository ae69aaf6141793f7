package expr

import (
	"sort"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Error is a request DynamoDB refuses with a ValidationException; Msg is
// DynamoDB's text.
type Error struct{ Msg string }

// Error returns DynamoDB's message.
func (e *Error) Error() string { return e.Msg }

func errorf(msg string) *Error { return &Error{Msg: msg} }

// Kind names which expression parameter an error belongs to; it prefixes
// parse errors as DynamoDB does ("Invalid ConditionExpression: ...").
type Kind string

// The expression parameters of DynamoDB requests.
const (
	KindCondition    Kind = "ConditionExpression"
	KindFilter       Kind = "FilterExpression"
	KindKeyCondition Kind = "KeyConditionExpression"
	KindUpdate       Kind = "UpdateExpression"
	KindProjection   Kind = "ProjectionExpression"
)

// errorf makes an error of this parameter; the empty Kind (PartiQL, whose
// messages have no prefix) gives msg alone.
func (k Kind) errorf(msg string) *Error {
	if k == "" {
		return &Error{Msg: msg}
	}
	return &Error{Msg: "Invalid " + string(k) + ": " + msg}
}

// Runtime errors of update evaluation, with DynamoDB's texts.
var (
	// ErrMissingOperand: arithmetic or list_append on an attribute the item
	// does not have.
	ErrMissingOperand = &Error{Msg: "The provided expression refers to an attribute that does not exist in the item"}
	// ErrOperandType: a value of the wrong type for +, -, list_append, ADD
	// or DELETE.
	ErrOperandType = &Error{Msg: "An operand in the update expression has an incorrect data type"}
	// ErrInvalidPath: a document path whose parent does not exist or is not
	// a map or list.
	ErrInvalidPath = &Error{Msg: "The document path provided in the update expression is invalid for update"}
)

// Params are a request's ExpressionAttributeNames and
// ExpressionAttributeValues. Parsing records the placeholders used, for
// CheckUnused. A zero Params (or nil maps) means none were given.
type Params struct {
	Names  map[string]string
	Values map[string]attr.Value

	usedNames  map[string]bool
	usedValues map[string]bool
}

func (p *Params) name(ref string) (string, bool) {
	if p == nil {
		return "", false
	}
	n, ok := p.Names[ref]
	if ok {
		if p.usedNames == nil {
			p.usedNames = map[string]bool{}
		}
		p.usedNames[ref] = true
	}
	return n, ok
}

func (p *Params) value(ref string) (attr.Value, bool) {
	if p == nil {
		return attr.Value{}, false
	}
	v, ok := p.Values[ref]
	if ok {
		if p.usedValues == nil {
			p.usedValues = map[string]bool{}
		}
		p.usedValues[ref] = true
	}
	return v, ok
}

// CheckUnused returns DynamoDB's error for placeholders defined but used by
// none of the request's expressions; call it after parsing all of them.
// Names are checked before values, in dynalite's order (it follows
// DynamoDB's).
func (p *Params) CheckUnused() error {
	if p == nil {
		return nil
	}
	var vals, names []string
	for k := range p.Values {
		if !p.usedValues[k] {
			vals = append(vals, k)
		}
	}
	for k := range p.Names {
		if !p.usedNames[k] {
			names = append(names, k)
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		return errorf("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + strings.Join(names, ", ") + "}")
	}
	if len(vals) > 0 {
		sort.Strings(vals)
		return errorf("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + strings.Join(vals, ", ") + "}")
	}
	return nil
}

// CheckKeys returns DynamoDB's error for an ExpressionAttributeNames or
// ExpressionAttributeValues key that is not a placeholder ("#" or ":"
// followed by letters, digits and underscores), or for an empty map that
// was given explicitly (present is whether the request had the field).
func (p *Params) CheckKeys(namesPresent, valuesPresent bool) error {
	if p == nil {
		return nil
	}
	if namesPresent && len(p.Names) == 0 {
		return errorf("ExpressionAttributeNames must not be empty")
	}
	for _, k := range sortedKeys(p.Names) {
		if !validRef(k, '#') {
			return errorf(`ExpressionAttributeNames contains invalid key: Syntax error; key: "` + k + `"`)
		}
	}
	if valuesPresent && len(p.Values) == 0 {
		return errorf("ExpressionAttributeValues must not be empty")
	}
	for _, k := range sortedKeys(p.Values) {
		if !validRef(k, ':') {
			return errorf(`ExpressionAttributeValues contains invalid key: Syntax error; key: "` + k + `"`)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func validRef(k string, lead byte) bool {
	if len(k) < 2 || k[0] != lead {
		return false
	}
	for i := 1; i < len(k); i++ {
		if !isIdentPart(k[i]) {
			return false
		}
	}
	return true
}
