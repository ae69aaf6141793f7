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
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"slices"
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
// number no decimal holds (decimalFits) is not reported: it stays a
// double either way.
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
	if !ok || !decimalFits(d) || d.sig == "" {
		return false // no decimal holds it, or zero, which a double holds
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

// pvNode is one value of the document being encoded, in one flat array
// (few allocations: a record's encoding is on the ingest's path): a
// scalar's encoding in pvEncoder.scalars, or a container's children as a
// list (first, next).
type pvNode struct {
	kind        uint8 // pvPrimitive (any scalar), pvArray or pvObject
	off, n      int32 // a scalar's bytes: scalars[off:off+n]
	key         int32 // as an object's field: its dictionary id
	first, next int32 // first child, next sibling; -1 for none
	count       int32 // a container's children
	size        int32 // encoded size, once layout ran
	offset      int32 // as a child: where its value starts in its parent's data
	offSize     uint8 // a container's offset width
	idSize      uint8 // an object's field id width
}

// pvEncoder builds one document's encoding.
type pvEncoder struct {
	b       []byte
	i       int
	nodes   []pvNode
	scalars []byte
	keys    map[string]int32
	dict    []string
	order   []int32 // scratch: an object's children in field order
}

// parquetVariant encodes the JSON text b (which checkJSON accepts) as a
// Parquet Variant: metadata immediately followed by the value, what
// DuckDB's variant_bytes_to_variant reads.
func parquetVariant(b []byte) ([]byte, error) {
	e := &pvEncoder{b: b, keys: map[string]int32{},
		nodes: make([]pvNode, 0, len(b)/8+1), scalars: make([]byte, 0, len(b)+len(b)/2)}
	root, err := e.value()
	if err != nil {
		return nil, err
	}
	e.ws()
	if e.i != len(e.b) {
		return nil, errBadJSON
	}
	e.sortKeys()
	size := e.layout(root)
	meta := e.metadata()
	out := make([]byte, 0, len(meta)+int(size))
	return e.write(append(out, meta...), root), nil
}

func (e *pvEncoder) ws() {
	for e.i < len(e.b) && (e.b[e.i] == ' ' || e.b[e.i] == '\n' || e.b[e.i] == '\r' || e.b[e.i] == '\t') {
		e.i++
	}
}

// node adds a node and returns its index.
func (e *pvEncoder) node(kind uint8) int32 {
	e.nodes = append(e.nodes, pvNode{kind: kind, key: -1, first: -1, next: -1})
	return int32(len(e.nodes) - 1)
}

// scalar adds a scalar node whose encoding is what e.scalars gained
// since off.
func (e *pvEncoder) scalar(off int) int32 {
	n := e.node(pvPrimitive)
	e.nodes[n].off, e.nodes[n].n = int32(off), int32(len(e.scalars)-off)
	return n
}

// value reads the value at e.i and returns its node.
func (e *pvEncoder) value() (int32, error) {
	e.ws()
	if e.i >= len(e.b) {
		return -1, errBadJSON
	}
	switch c := e.b[e.i]; {
	case c == '{' || c == '[':
		object := c == '{'
		kind, end := uint8(pvArray), byte(']')
		if object {
			kind, end = pvObject, '}'
		}
		n := e.node(kind)
		e.i++
		e.ws()
		if e.i < len(e.b) && e.b[e.i] == end {
			e.i++
			return n, nil
		}
		last := int32(-1)
		for {
			key := int32(-1)
			if object {
				e.ws()
				k, err := e.str()
				if err != nil {
					return -1, err
				}
				id, ok := e.keys[string(k)]
				if !ok {
					id = int32(len(e.dict))
					e.keys[string(k)] = id
					e.dict = append(e.dict, string(k))
				}
				key = id
				e.ws()
				if e.i >= len(e.b) || e.b[e.i] != ':' {
					return -1, errBadJSON
				}
				e.i++
			}
			v, err := e.value()
			if err != nil {
				return -1, err
			}
			e.nodes[v].key = key
			if last < 0 {
				e.nodes[n].first = v
			} else {
				e.nodes[last].next = v
			}
			last = v
			e.nodes[n].count++
			e.ws()
			if e.i < len(e.b) && e.b[e.i] == ',' {
				e.i++
				continue
			}
			if e.i < len(e.b) && e.b[e.i] == end {
				e.i++
				return n, nil
			}
			return -1, errBadJSON
		}
	case c == '"':
		s, err := e.str()
		if err != nil {
			return -1, err
		}
		off := len(e.scalars)
		if len(s) < 64 {
			e.scalars = append(e.scalars, byte(len(s))<<2|pvShortString)
		} else {
			e.scalars = append(e.scalars, pvString<<2)
			e.scalars = binary.LittleEndian.AppendUint32(e.scalars, uint32(len(s)))
		}
		e.scalars = append(e.scalars, s...)
		return e.scalar(off), nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := e.i
		end := scanNumber(e.b, e.i)
		if end < 0 {
			return -1, errBadJSON
		}
		e.i = end
		off := len(e.scalars)
		e.scalars = appendNumber(e.scalars, e.b[start:end])
		return e.scalar(off), nil
	case c == 't' && len(e.b)-e.i >= 4 && string(e.b[e.i:e.i+4]) == "true":
		e.i += 4
		off := len(e.scalars)
		e.scalars = append(e.scalars, pvTrue<<2)
		return e.scalar(off), nil
	case c == 'f' && len(e.b)-e.i >= 5 && string(e.b[e.i:e.i+5]) == "false":
		e.i += 5
		off := len(e.scalars)
		e.scalars = append(e.scalars, pvFalse<<2)
		return e.scalar(off), nil
	case c == 'n' && len(e.b)-e.i >= 4 && string(e.b[e.i:e.i+4]) == "null":
		e.i += 4
		off := len(e.scalars)
		e.scalars = append(e.scalars, pvNull<<2)
		return e.scalar(off), nil
	}
	return -1, errBadJSON
}

// str reads the string at e.i (its opening quote) and returns its value
// (the text's own bytes when it has no escape: valid until e.b changes).
func (e *pvEncoder) str() ([]byte, error) {
	if e.i >= len(e.b) || e.b[e.i] != '"' {
		return nil, errBadJSON
	}
	end := scanString(e.b, e.i+1)
	if end < 0 {
		return nil, errBadJSON
	}
	raw := e.b[e.i:end]
	e.i = end
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, errBadJSON
	}
	return []byte(s), nil
}

// appendNumber appends the encoding of the JSON number num: an inexact
// one as a decimal, an integer that fits as an int64, anything else as a
// double (what DuckDB's conversion gives it). A non-negative integer above
// int64 (DuckDB's UINT64, which the encoding has not) is a decimal of scale
// 0, exact too.
func appendNumber(dst, num []byte) []byte {
	if v, ok := smallInt(num); ok {
		dst = append(dst, pvInt64<<2)
		return binary.LittleEndian.AppendUint64(dst, uint64(v))
	}
	d, ok := parseDecimalText(num)
	if ok && d.integer {
		if v, err := strconv.ParseInt(string(num), 10, 64); err == nil {
			dst = append(dst, pvInt64<<2)
			return binary.LittleEndian.AppendUint64(dst, uint64(v))
		}
	}
	if ok && (d.integer || inexactNumber(num)) {
		if v, ok := decimalBytes(d); ok {
			return append(dst, v...)
		}
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	dst = append(dst, pvDouble<<2)
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
}

// smallInt reads num when it is an integer of at most 18 digits (which an
// int64 always holds), without allocating.
func smallInt(num []byte) (int64, bool) {
	i, neg := 0, false
	if len(num) > 0 && num[0] == '-' {
		i, neg = 1, true
	}
	if len(num)-i == 0 || len(num)-i > 18 {
		return 0, false
	}
	var v int64
	for ; i < len(num); i++ {
		c := num[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// decimalBytes encodes d as a 16-byte decimal of d's scale (DuckDB reads
// it as DECIMAL(38, scale)), false when none holds it: more than 38
// digits, or a scale out of 0..37. DuckDB writes a decimal whose scale is
// its width without the 0 before the point (.5 for DECIMAL(1,1)), which
// is not JSON; the narrower encodings read with the value's own digits as
// the width, and 38 digits of scale would do the same.
func decimalBytes(d decimalText) ([]byte, bool) {
	if !decimalFits(d) {
		return nil, false
	}
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

// decimalFits reports whether a DECIMAL(38, s) holds d's text exactly: at
// most 38 digits (with the zeros a positive exponent adds) and a scale
// below 38.
func decimalFits(d decimalText) bool {
	digits, scale := len(d.digits), d.scale
	if scale < 0 {
		digits, scale = digits-scale, 0
	}
	return digits <= maxDecimalDigits && scale < maxDecimalDigits
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

// layout computes the encoded size of node n and its children, and each
// child's offset in n's data.
func (e *pvEncoder) layout(n int32) int32 {
	nd := &e.nodes[n]
	if nd.kind == pvPrimitive {
		nd.size = nd.n
		return nd.size
	}
	data, maxID := int32(0), int32(0)
	for k := nd.first; k >= 0; k = e.nodes[k].next {
		e.nodes[k].offset = data
		data += e.layout(k)
		maxID = max(maxID, e.nodes[k].key)
	}
	nd.offSize = uint8(intSize(int(data)))
	countSize := int32(1)
	if nd.count > 0xff {
		countSize = 4
	}
	nd.size = 1 + countSize + (nd.count+1)*int32(nd.offSize) + data
	if nd.kind == pvObject {
		nd.idSize = uint8(intSize(int(maxID)))
		nd.size += nd.count * int32(nd.idSize)
	}
	return nd.size
}

// write appends node n's encoding (layout has run) to b. An object lists
// its fields by key id, which sortKeys made the order of the names, as the
// encoding requires (fields of one name keep their document order); the
// values stay in document order.
func (e *pvEncoder) write(b []byte, n int32) []byte {
	nd := e.nodes[n]
	if nd.kind == pvPrimitive {
		return append(b, e.scalars[nd.off:nd.off+nd.n]...)
	}
	large := nd.count > 0xff
	var h byte
	if nd.kind == pvObject {
		h = pvObject | (nd.offSize-1)<<2 | (nd.idSize-1)<<4
		if large {
			h |= 1 << 6
		}
	} else {
		h = pvArray | (nd.offSize-1)<<2
		if large {
			h |= 1 << 4
		}
	}
	b = append(b, h)
	if large {
		b = binary.LittleEndian.AppendUint32(b, uint32(nd.count))
	} else {
		b = append(b, byte(nd.count))
	}
	end := int32(0)
	if nd.kind == pvObject {
		start := len(e.order)
		for k := nd.first; k >= 0; k = e.nodes[k].next {
			e.order = append(e.order, k)
		}
		order := e.order[start:]
		slices.SortStableFunc(order, func(x, y int32) int { return int(e.nodes[x].key) - int(e.nodes[y].key) })
		for _, k := range order {
			b = putInt(b, int(e.nodes[k].key), int(nd.idSize))
		}
		for _, k := range order {
			b = putInt(b, int(e.nodes[k].offset), int(nd.offSize))
			end = max(end, e.nodes[k].offset+e.nodes[k].size)
		}
		e.order = e.order[:start]
	} else {
		for k := nd.first; k >= 0; k = e.nodes[k].next {
			b = putInt(b, int(e.nodes[k].offset), int(nd.offSize))
			end = e.nodes[k].offset + e.nodes[k].size
		}
	}
	b = putInt(b, int(end), int(nd.offSize))
	for k := nd.first; k >= 0; k = e.nodes[k].next {
		b = e.write(b, k)
	}
	return b
}

// sortKeys sorts the dictionary by name (byte order, as the encoding's
// sorted_strings says) and renumbers every field's key to match.
func (e *pvEncoder) sortKeys() {
	sorted := slices.Clone(e.dict)
	slices.Sort(sorted)
	renum := make([]int32, len(e.dict))
	for i, k := range sorted {
		renum[e.keys[k]] = int32(i)
	}
	e.dict = sorted
	for i := range e.nodes {
		if e.nodes[i].key >= 0 {
			e.nodes[i].key = renum[e.nodes[i].key]
		}
	}
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
