package warehouse

// Exact SUPER numbers. DuckDB's conversion of JSON text to VARIANT (SUPER)
// makes every number with a fraction or an exponent, and every integer
// beyond 64 bits, a DOUBLE: 123456789012345678901234567890 becomes
// 1.2345678901234568e29. Redshift's SUPER keeps such a number as a decimal
// ("A number, such as smallint, integer, bigint, decimal, or floating
// point", SUPER type). DuckDB's VARIANT holds decimals, and builds a
// VARIANT of any shape from the Parquet Variant binary encoding
// (variant_bytes_to_variant, its parquet extension's), so a document that
// holds such a number is encoded here, in Go, and handed to DuckDB in that
// form (parquetVariant); every other document keeps DuckDB's own
// conversion, whose answers this one must not change.
//
// The encoding is the Parquet Variant's (apache/parquet-format,
// VariantEncoding.md): metadata (a dictionary of the object keys) followed
// by the value. An inexact number becomes a decimal with the text's scale
// (DECIMAL(38, scale)); a number of more than 38 digits, which no decimal
// holds, a double, as DuckDB's own conversion makes it.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// errBadJSON is parquetVariant's error for a text checkJSON refuses.
var errBadJSON = errors.New("invalid JSON")

// maxDecimalDigits is the most digits a decimal holds (DuckDB's and
// Redshift's DECIMAL(38)).
const maxDecimalDigits = 38

// exactDoubleDigits is how many significant digits any decimal text keeps
// through a double (DBL_DIG): a number of at most this many never needs
// the slow check.
const exactDoubleDigits = 15

// inexactNumber reports whether DuckDB's conversion to VARIANT changes the
// JSON number num (valid JSON number syntax, within a double's range): an
// integer outside int64 and uint64, or a number with a fraction or an
// exponent whose text a double does not give back (its significant digits
// and exponent differ from the shortest text of the nearest double). A
// number of more than maxDecimalDigits significant digits is not reported:
// nothing exact can hold it, and it stays a double.
func inexactNumber(num []byte) bool {
	digits := 0
	for _, c := range num {
		if c >= '0' && c <= '9' {
			digits++
		} else if c == 'e' || c == 'E' {
			break
		}
	}
	if digits <= exactDoubleDigits {
		return false
	}
	d, ok := parseDecimalText(num)
	if !ok || len(d.sig) > maxDecimalDigits {
		return false
	}
	if d.integer {
		s := string(num)
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return false
		}
		if _, err := strconv.ParseUint(s, 10, 64); err == nil {
			return false
		}
		return true
	}
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil {
		return false // out of range: refused before this
	}
	g, _ := parseDecimalText([]byte(strconv.FormatFloat(math.Abs(f), 'e', -1, 64)))
	return g.sig != d.sig || g.exp != d.exp
}

// decimalText is a JSON number's text as significant digits and the
// power of ten of the first of them (1234.5: sig 12345, exp 3).
type decimalText struct {
	neg     bool
	sig     string // significant digits, no leading or trailing zeros ("" for zero)
	exp     int    // the power of ten of sig's first digit
	integer bool   // the text has no fraction and no exponent
	scale   int    // digits after the point, less the exponent (the text's scale)
	digits  string // every digit of the mantissa, leading zeros dropped
}

// parseDecimalText reads a JSON number's text (or strconv's 'e' format).
func parseDecimalText(num []byte) (decimalText, bool) {
	var d decimalText
	i := 0
	if i < len(num) && num[i] == '-' {
		d.neg = true
		i++
	}
	var mant []byte
	point := -1 // digits before the point
	for ; i < len(num); i++ {
		c := num[i]
		if c == '.' {
			point = len(mant)
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		mant = append(mant, c)
	}
	if point < 0 {
		point = len(mant)
	}
	e := 0
	d.integer = i == len(num) && point == len(mant)
	if i < len(num) {
		if num[i] != 'e' && num[i] != 'E' {
			return d, false
		}
		v, err := strconv.Atoi(string(num[i+1:]))
		if err != nil {
			return d, false
		}
		e = v
	}
	d.scale = len(mant) - point - e
	lead := 0
	for lead < len(mant) && mant[lead] == '0' {
		lead++
	}
	d.digits = string(mant[lead:])
	trail := len(mant)
	for trail > lead && mant[trail-1] == '0' {
		trail--
	}
	d.sig = string(mant[lead:trail])
	d.exp = point - lead - 1 + e
	return d, true
}

// Parquet Variant basic types and primitive types.
const (
	pvPrimitive   = 0
	pvShortString = 1
	pvObject      = 2
	pvArray       = 3

	pvNull      = 0
	pvTrue      = 1
	pvFalse     = 2
	pvInt64     = 6
	pvDouble    = 7
	pvDecimal16 = 10
	pvString    = 16
)

// pvNode is one value of the document being encoded: a scalar's encoding,
// or a container's children (for an object, with its keys' ids).
type pvNode struct {
	scalar []byte
	array  bool
	object bool
	kids   []*pvNode
	keys   []int // dictionary ids, parallel to kids (objects)
	size   int   // encoded size, once computed
	// layout of a container, once computed
	count, idSize, offSize int
}

// pvEncoder builds one document's encoding.
type pvEncoder struct {
	b    []byte
	i    int
	keys map[string]int
	dict []string
}

// parquetVariant encodes the JSON text b (which checkJSON accepts) as a
// Parquet Variant: metadata immediately followed by the value, what
// DuckDB's variant_bytes_to_variant reads.
func parquetVariant(b []byte) ([]byte, error) {
	e := &pvEncoder{b: b, keys: map[string]int{}}
	root, err := e.value()
	if err != nil {
		return nil, err
	}
	e.ws()
	if e.i != len(e.b) {
		return nil, errBadJSON
	}
	e.sortKeys(root)
	layout(root)
	return write(e.metadata(), root), nil
}

func (e *pvEncoder) ws() {
	for e.i < len(e.b) && (e.b[e.i] == ' ' || e.b[e.i] == '\n' || e.b[e.i] == '\r' || e.b[e.i] == '\t') {
		e.i++
	}
}

func (e *pvEncoder) value() (*pvNode, error) {
	e.ws()
	if e.i >= len(e.b) {
		return nil, errBadJSON
	}
	switch c := e.b[e.i]; {
	case c == '{':
		n := &pvNode{object: true}
		e.i++
		e.ws()
		if e.i < len(e.b) && e.b[e.i] == '}' {
			e.i++
			return n, nil
		}
		for {
			e.ws()
			k, err := e.str()
			if err != nil {
				return nil, err
			}
			e.ws()
			if e.i >= len(e.b) || e.b[e.i] != ':' {
				return nil, errBadJSON
			}
			e.i++
			v, err := e.value()
			if err != nil {
				return nil, err
			}
			id, ok := e.keys[k]
			if !ok {
				id = len(e.dict)
				e.keys[k] = id
				e.dict = append(e.dict, k)
			}
			n.keys = append(n.keys, id)
			n.kids = append(n.kids, v)
			e.ws()
			if e.i < len(e.b) && e.b[e.i] == ',' {
				e.i++
				continue
			}
			if e.i < len(e.b) && e.b[e.i] == '}' {
				e.i++
				return n, nil
			}
			return nil, errBadJSON
		}
	case c == '[':
		n := &pvNode{array: true}
		e.i++
		e.ws()
		if e.i < len(e.b) && e.b[e.i] == ']' {
			e.i++
			return n, nil
		}
		for {
			v, err := e.value()
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, v)
			e.ws()
			if e.i < len(e.b) && e.b[e.i] == ',' {
				e.i++
				continue
			}
			if e.i < len(e.b) && e.b[e.i] == ']' {
				e.i++
				return n, nil
			}
			return nil, errBadJSON
		}
	case c == '"':
		s, err := e.str()
		if err != nil {
			return nil, err
		}
		if len(s) < 64 {
			return &pvNode{scalar: append([]byte{byte(len(s))<<2 | pvShortString}, s...)}, nil
		}
		v := make([]byte, 5, 5+len(s))
		v[0] = pvString << 2
		binary.LittleEndian.PutUint32(v[1:], uint32(len(s)))
		return &pvNode{scalar: append(v, s...)}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := e.i
		end := scanNumber(e.b, e.i)
		if end < 0 {
			return nil, errBadJSON
		}
		e.i = end
		return &pvNode{scalar: number(e.b[start:end])}, nil
	case c == 't' && len(e.b)-e.i >= 4 && string(e.b[e.i:e.i+4]) == "true":
		e.i += 4
		return &pvNode{scalar: []byte{pvTrue << 2}}, nil
	case c == 'f' && len(e.b)-e.i >= 5 && string(e.b[e.i:e.i+5]) == "false":
		e.i += 5
		return &pvNode{scalar: []byte{pvFalse << 2}}, nil
	case c == 'n' && len(e.b)-e.i >= 4 && string(e.b[e.i:e.i+4]) == "null":
		e.i += 4
		return &pvNode{scalar: []byte{pvNull << 2}}, nil
	}
	return nil, errBadJSON
}

// str reads the string at e.i (its opening quote) and returns its value.
func (e *pvEncoder) str() (string, error) {
	if e.i >= len(e.b) || e.b[e.i] != '"' {
		return "", errBadJSON
	}
	end := scanString(e.b, e.i+1)
	if end < 0 {
		return "", errBadJSON
	}
	raw := e.b[e.i:end]
	e.i = end
	plain := true
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errBadJSON
	}
	return s, nil
}

// number encodes the JSON number num: an inexact one as a decimal, an
// integer that fits as an int64, anything else as a double (what DuckDB's
// conversion gives it). A non-negative integer above int64 (DuckDB's
// UINT64, which the encoding has not) is a decimal of scale 0, exact too.
func number(num []byte) []byte {
	d, ok := parseDecimalText(num)
	if ok && d.integer {
		if v, err := strconv.ParseInt(string(num), 10, 64); err == nil {
			out := make([]byte, 9)
			out[0] = pvInt64 << 2
			binary.LittleEndian.PutUint64(out[1:], uint64(v))
			return out
		}
	}
	if ok && (d.integer || inexactNumber(num)) {
		if v, ok := decimalBytes(d); ok {
			return v
		}
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	out := make([]byte, 9)
	out[0] = pvDouble << 2
	binary.LittleEndian.PutUint64(out[1:], math.Float64bits(f))
	return out
}

// decimalBytes encodes d as a 16-byte decimal of d's scale (DuckDB reads
// it as DECIMAL(38, scale)), false when none holds it: more than 38
// digits, or a scale out of 0..37. DuckDB writes a decimal whose scale is
// its width without the 0 before the point (.5 for DECIMAL(1,1)), which
// is not JSON; the narrower encodings read with the value's own digits as
// the width, and 38 digits of scale would do the same.
func decimalBytes(d decimalText) ([]byte, bool) {
	digits, scale := d.digits, d.scale
	if scale < 0 {
		// 12e3: the digits with zeros, scale 0.
		if len(digits)-scale > maxDecimalDigits {
			return nil, false
		}
		if digits != "" {
			digits += strings.Repeat("0", -scale)
		}
		scale = 0
	}
	if digits == "" {
		digits = "0"
	}
	if len(digits) > maxDecimalDigits || scale >= maxDecimalDigits {
		return nil, false
	}
	var u big.Int
	u.SetString(digits, 10)
	if d.neg {
		u.Neg(&u)
	}
	out := make([]byte, 18)
	out[0], out[1] = pvDecimal16<<2, byte(scale)
	// Two's complement, little-endian, 16 bytes.
	if u.Sign() < 0 {
		var m big.Int
		u.Add(&u, m.Lsh(big.NewInt(1), 128))
	}
	be := u.FillBytes(make([]byte, 16))
	for i := range be {
		out[2+i] = be[15-i]
	}
	return out, true
}

// intSize is the fewest bytes (1 to 4) that hold v.
func intSize(v int) int {
	switch {
	case v <= 0xff:
		return 1
	case v <= 0xffff:
		return 2
	case v <= 0xffffff:
		return 3
	}
	return 4
}

func putInt(b []byte, v, size int) []byte {
	for i := 0; i < size; i++ {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// layout computes the encoded size of n and its children.
func layout(n *pvNode) int {
	if n.scalar != nil {
		n.size = len(n.scalar)
		return n.size
	}
	data := 0
	maxID := 0
	for i, k := range n.kids {
		data += layout(k)
		if n.object && n.keys[i] > maxID {
			maxID = n.keys[i]
		}
	}
	n.count = len(n.kids)
	n.offSize = intSize(data)
	countSize := 1
	if n.count > 0xff {
		countSize = 4
	}
	n.size = 1 + countSize + (n.count+1)*n.offSize + data
	if n.object {
		n.idSize = intSize(maxID)
		n.size += n.count * n.idSize
	}
	return n.size
}

// write appends n's encoding (layout has run) to b. An object lists its
// fields sorted by key, as the encoding requires (the values stay in
// document order; only the field ids and offsets are sorted).
func write(b []byte, n *pvNode) []byte {
	if n.scalar != nil {
		return append(b, n.scalar...)
	}
	large := n.count > 0xff
	var h byte
	if n.object {
		h = pvObject | byte(n.offSize-1)<<2 | byte(n.idSize-1)<<4
		if large {
			h |= 1 << 6
		}
	} else {
		h = pvArray | byte(n.offSize-1)<<2
		if large {
			h |= 1 << 4
		}
	}
	b = append(b, h)
	if large {
		b = binary.LittleEndian.AppendUint32(b, uint32(n.count))
	} else {
		b = append(b, byte(n.count))
	}
	offsets := make([]int, n.count+1)
	for i, k := range n.kids {
		offsets[i+1] = offsets[i] + k.size
	}
	if n.object {
		order := n.fieldOrder()
		for _, i := range order {
			b = putInt(b, n.keys[i], n.idSize)
		}
		for _, i := range order {
			b = putInt(b, offsets[i], n.offSize)
		}
	} else {
		for i := 0; i < n.count; i++ {
			b = putInt(b, offsets[i], n.offSize)
		}
	}
	b = putInt(b, offsets[n.count], n.offSize)
	for _, k := range n.kids {
		b = write(b, k)
	}
	return b
}

// fieldOrder is the order an object's fields are listed in: by key id,
// which sortKeys made the order of the names; fields of one name keep
// their document order.
func (n *pvNode) fieldOrder() []int {
	order := make([]int, n.count)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return n.keys[order[a]] < n.keys[order[b]] })
	return order
}

// sortKeys sorts the dictionary by name (byte order, as the encoding's
// sorted_strings says) and renumbers every object's keys to match.
func (e *pvEncoder) sortKeys(root *pvNode) {
	sorted := make([]string, len(e.dict))
	copy(sorted, e.dict)
	sort.Strings(sorted)
	renum := make([]int, len(e.dict))
	for i, k := range sorted {
		renum[e.keys[k]] = i
	}
	e.dict = sorted
	var walk func(n *pvNode)
	walk = func(n *pvNode) {
		for i := range n.keys {
			n.keys[i] = renum[n.keys[i]]
		}
		for _, k := range n.kids {
			if k.scalar == nil {
				walk(k)
			}
		}
	}
	walk(root)
}

// metadata is the encoding's metadata: version 1, sorted strings, the
// dictionary's offsets and its strings.
func (e *pvEncoder) metadata() []byte {
	total := 0
	for _, k := range e.dict {
		total += len(k)
	}
	size := intSize(max(total, len(e.dict)))
	b := make([]byte, 0, 1+(len(e.dict)+2)*size+total)
	b = append(b, 1|1<<4|byte(size-1)<<6)
	b = putInt(b, len(e.dict), size)
	off := 0
	b = putInt(b, 0, size)
	for _, k := range e.dict {
		off += len(k)
		b = putInt(b, off, size)
	}
	for _, k := range e.dict {
		b = append(b, k...)
	}
	return b
}
