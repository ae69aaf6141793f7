// Package attr holds DynamoDB's data model: attribute values of the ten
// types (S, N, B, BOOL, NULL, M, L, SS, NS, BS), items, their wire form in
// the DynamoDB JSON protocol ({"S": "x"}), comparison, and DynamoDB's item
// size formula.
//
// # Invariants
//
//   - A Value has exactly one type, T, and only the fields of that type are
//     meaningful.
//   - Numbers (N, and each member of NS) are kept as their canonical decimal
//     text (see Number): at most 38 significant digits, no float64 anywhere,
//     normalized as DynamoDB prints them ("1.50" is "1.5", "1e2" is "100").
//   - A Value decoded from the wire has passed DynamoDB's per-value checks
//     (one type set, valid numbers, non-empty and duplicate-free sets); an
//     error from Unmarshal carries DynamoDB's own message text.
//
// Values are immutable by convention once built: functions here never
// modify their arguments, so a Value can be shared between an item and its
// copies.
package attr

import (
	"bytes"
	"sort"
)

// Type is an attribute value's DynamoDB type.
type Type uint8

// The ten DynamoDB types, in the order DynamoDB documents them.
const (
	Invalid Type = iota
	S            // string
	N            // number
	B            // binary
	BOOL         // boolean
	NULL         // null
	M            // map
	L            // list
	SS           // string set
	NS           // number set
	BS           // binary set
)

var typeNames = [...]string{Invalid: "", S: "S", N: "N", B: "B", BOOL: "BOOL", NULL: "NULL", M: "M", L: "L", SS: "SS", NS: "NS", BS: "BS"}

// String returns the type's wire name ("S", "NS", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "?"
}

// ParseType returns the type named s ("S", "N", ...), or Invalid.
func ParseType(s string) Type {
	for t, n := range typeNames {
		if n == s && t != 0 {
			return Type(t)
		}
	}
	return Invalid
}

// IsSet reports whether t is one of the set types.
func (t Type) IsSet() bool { return t == SS || t == NS || t == BS }

// IsScalar reports whether t is S, N or B, the types a key attribute may have.
func (t Type) IsScalar() bool { return t == S || t == N || t == B }

// Value is one attribute value.
type Value struct {
	T Type
	// S holds an S value, and an N value's canonical text.
	S string
	// B holds a B value.
	B []byte
	// Bool holds a BOOL value.
	Bool bool
	// M holds an M value.
	M map[string]Value
	// L holds an L value.
	L []Value
	// Strs holds an SS value, or an NS value's canonical texts, in the order
	// given (DynamoDB does not keep set order; Equal ignores it).
	Strs []string
	// Bins holds a BS value.
	Bins [][]byte
}

// Item is a whole item: attribute name to value.
type Item map[string]Value

// Str returns an S value.
func Str(s string) Value { return Value{T: S, S: s} }

// Num returns an N value from canonical number text; use ParseNumber
// first for text that may not be canonical.
func Num(canonical string) Value { return Value{T: N, S: canonical} }

// Bin returns a B value.
func Bin(b []byte) Value { return Value{T: B, B: b} }

// Boolean returns a BOOL value.
func Boolean(b bool) Value { return Value{T: BOOL, Bool: b} }

// Null returns the NULL value.
func Null() Value { return Value{T: NULL, Bool: true} }

// Map returns an M value.
func Map(m map[string]Value) Value { return Value{T: M, M: m} }

// List returns an L value.
func List(l ...Value) Value { return Value{T: L, L: l} }

// Compare orders two values of the same scalar type as DynamoDB orders
// sort keys and comparison operators: S by UTF-8 bytes, N by numeric value,
// B by unsigned bytes. ok is false when the types differ or are not S, N
// or B.
func Compare(a, b Value) (c int, ok bool) {
	if a.T != b.T {
		return 0, false
	}
	switch a.T {
	case S:
		return compareStrings(a.S, b.S), true
	case N:
		return CompareNumbers(a.S, b.S), true
	case B:
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Equal reports whether a and b are the same value: same type, same
// contents, sets equal as sets, numbers equal by value.
func Equal(a, b Value) bool {
	if a.T != b.T {
		return false
	}
	switch a.T {
	case S:
		return a.S == b.S
	case N:
		return CompareNumbers(a.S, b.S) == 0
	case B:
		return bytes.Equal(a.B, b.B)
	case BOOL:
		return a.Bool == b.Bool
	case NULL:
		return true
	case M:
		if len(a.M) != len(b.M) {
			return false
		}
		for k, av := range a.M {
			bv, ok := b.M[k]
			if !ok || !Equal(av, bv) {
				return false
			}
		}
		return true
	case L:
		if len(a.L) != len(b.L) {
			return false
		}
		for i := range a.L {
			if !Equal(a.L[i], b.L[i]) {
				return false
			}
		}
		return true
	case SS:
		return sameStrings(a.Strs, b.Strs, func(x, y string) bool { return x == y })
	case NS:
		return sameStrings(a.Strs, b.Strs, func(x, y string) bool { return CompareNumbers(x, y) == 0 })
	case BS:
		if len(a.Bins) != len(b.Bins) {
			return false
		}
		as, bs := sortedBins(a.Bins), sortedBins(b.Bins)
		for i := range as {
			if !bytes.Equal(as[i], bs[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func sameStrings(a, b []string, eq func(x, y string) bool) bool {
	if len(a) != len(b) {
		return false
	}
	// Canonical numbers are unique texts, so a plain sort works for NS too.
	as, bs := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(as)
	sort.Strings(bs)
	for i := range as {
		if !eq(as[i], bs[i]) {
			return false
		}
	}
	return true
}

func sortedBins(in [][]byte) [][]byte {
	out := append([][]byte(nil), in...)
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i], out[j]) < 0 })
	return out
}

// EqualItems reports whether two items hold the same attributes with equal
// values.
func EqualItems(a, b Item) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok || !Equal(av, bv) {
			return false
		}
	}
	return true
}

// Clone returns a copy of item whose top-level map can be changed without
// affecting item (values are shared; they are immutable).
func (it Item) Clone() Item {
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = v
	}
	return out
}

// Size is DynamoDB's size of one attribute value in bytes, as its item size
// limit counts it (see "Item sizes and formats" in the DynamoDB developer
// guide): strings and binaries by length, numbers by about one byte per two
// significant digits plus one, one byte for BOOL and NULL, three bytes of
// overhead for M and L plus one per element, sets as the sum of members.
func Size(v Value) int {
	switch v.T {
	case S:
		return len(v.S)
	case N:
		return NumberSize(v.S)
	case B:
		return len(v.B)
	case BOOL, NULL:
		return 1
	case M:
		n := 3
		for k, e := range v.M {
			n += len(k) + Size(e) + 1
		}
		return n
	case L:
		n := 3
		for _, e := range v.L {
			n += Size(e) + 1
		}
		return n
	case SS:
		n := 0
		for _, s := range v.Strs {
			n += len(s)
		}
		return n
	case NS:
		n := 0
		for _, s := range v.Strs {
			n += NumberSize(s)
		}
		return n
	case BS:
		n := 0
		for _, b := range v.Bins {
			n += len(b)
		}
		return n
	}
	return 0
}

// MaxDepth is DynamoDB's limit on nesting: an attribute is at level 1,
// each M or L adds one for its elements, and no value may be deeper than
// level 32 ("DynamoDB supports nested attributes up to 32 levels deep",
// the developer guide's service quotas).
const MaxDepth = 32

// Depth is the number of levels v spans: 1 for a scalar or a set, one more
// than its deepest element for an M or L. It stops counting past limit
// (returning limit+1), so a value nested far deeper costs no more.
func Depth(v Value, limit int) int {
	if limit <= 0 {
		return 1
	}
	d := 0
	switch v.T {
	case M:
		for _, e := range v.M {
			d = max(d, Depth(e, limit-1))
			if d >= limit {
				break
			}
		}
	case L:
		for _, e := range v.L {
			d = max(d, Depth(e, limit-1))
			if d >= limit {
				break
			}
		}
	}
	return d + 1
}

// ItemDepth is the deepest of an item's attributes (see Depth).
func ItemDepth(it Item, limit int) int {
	d := 0
	for _, v := range it {
		d = max(d, Depth(v, limit))
	}
	return d
}

// ItemSize is DynamoDB's size of an item: the sum of each attribute name's
// UTF-8 length and its value's Size.
func ItemSize(it Item) int {
	n := 0
	for k, v := range it {
		n += len(k) + Size(v)
	}
	return n
}
