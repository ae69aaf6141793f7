package awsjson

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Type is the type of a Shape, as the AWS API models name them.
type Type int

// Shape types.
const (
	String Type = iota
	Integer
	Long
	Double
	Boolean
	Blob
	Timestamp
	List
	Map
	Structure
	// Opaque is neither type-checked nor validated: the operation's own
	// decoder checks it (DynamoDB's AttributeValue).
	Opaque
)

// javaName is the type's name in AWS's conversion messages.
func (t Type) javaName() string {
	switch t {
	case Integer:
		return "Integer"
	case Long:
		return "Long"
	case Double:
		return "Double"
	case Boolean:
		return "Boolean"
	}
	return "String"
}

// Shape is an input shape of an AWS API model, with the constraints the
// model gives it: what Check validates a request body against. Members are
// listed in the order AWS reports their violations.
type Shape struct {
	Type Type
	// Members are a Structure's members.
	Members []Member
	// Elem is the shape of a List's elements or a Map's values; Key is the
	// shape of a Map's keys.
	Elem, Key *Shape
	// MinLen and MaxLen bound the length of a String (in characters), a
	// Blob (in bytes), a List or a Map (in entries); nil means unbounded.
	MinLen, MaxLen *int64
	// Min and Max bound a number; nil means unbounded.
	Min, Max *int64
	// Pattern is a regular expression the whole String must match.
	Pattern string
	// Enum lists the values a String may take; empty means any.
	Enum []string

	once sync.Once
	re   *regexp.Regexp
}

// Member is a named member of a Structure.
type Member struct {
	// Name is the member's name in the body, e.g. "StreamName".
	Name string
	// Shape is the member's shape.
	Shape *Shape
	// Required members must be present and not null.
	Required bool
	// RequiredWithout names another member: this one is required when
	// that one is absent (Kinesis's StreamName, when there is no
	// StreamARN).
	RequiredWithout string
}

// Int is a pointer to n, for Shape bounds.
func Int(n int64) *int64 { return &n }

// Check type-checks body (JSON) against the structure shape s and then
// validates it, the way AWS does: a member of the wrong JSON type is a
// SerializationException with AWS's (Java) conversion message; then every
// constraint violation, up to ten, is reported at once in one
// ValidationException ("2 validation errors detected: Value null at
// 'shardCount' failed to satisfy constraint: Member must not be null;
// ..."). An empty body is checked as {}; members not in the shape are
// ignored, as AWS ignores them.
func Check(s *Shape, body []byte) error {
	v, err := parse(body)
	if err != nil {
		return err
	}
	if err := s.typeCheck(v, false); err != nil {
		return err
	}
	return s.Validate(v)
}

// TypeCheck parses body and checks its members' JSON types against s; a
// mismatch is a SerializationException worded as AWS words it.
func TypeCheck(s *Shape, body []byte) (any, error) {
	return typeCheck(s, body, false)
}

// typeCheck is TypeCheck; javaNumbers names a misplaced number by the Java
// class it fits, as DynamoDB's front end does (see Service.JavaNumbers).
func typeCheck(s *Shape, body []byte, javaNumbers bool) (any, error) {
	v, err := parse(body)
	if err != nil {
		return nil, err
	}
	return v, s.typeCheck(v, javaNumbers)
}

func parse(body []byte) (any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	v, ok := parseTree(body)
	if !ok {
		return nil, serialization("")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, serialization("")
	}
	return v, nil
}

// serialization is AWS's SerializationException: its text goes under
// "Message", and an empty one is left out.
func serialization(msg string) *Error {
	return &Error{Type: SerializationException, Message: msg, Status: 400}
}

// typeCheck checks v's JSON types against s, in member order; null counts
// as absent. The texts are AWS's (observed; also in kinesalite's tests).
func (s *Shape) typeCheck(v any, javaNumbers bool) error {
	if v == nil || s.Type == Opaque {
		return nil
	}
	_, isList := v.([]any)
	_, isObj := v.(map[string]any)
	const listMsg, objMsg = "Start of list found where not expected", "Start of structure or map found where not expected."
	switch s.Type {
	case Structure:
		if isList {
			return serialization(listMsg)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return serialization("Expected null")
		}
		for _, mem := range s.Members {
			if err := mem.Shape.typeCheck(m[mem.Name], javaNumbers); err != nil {
				return err
			}
		}
	case List:
		if isObj {
			return serialization(objMsg)
		}
		l, ok := v.([]any)
		if !ok {
			return serialization("Expected list or null")
		}
		for _, e := range l {
			if err := s.Elem.typeCheck(e, javaNumbers); err != nil {
				return err
			}
		}
	case Map:
		if isList {
			return serialization(listMsg)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return serialization("Expected map or null")
		}
		for _, e := range m {
			if err := s.Elem.typeCheck(e, javaNumbers); err != nil {
				return err
			}
		}
	default:
		if isList {
			return serialization(listMsg)
		}
		if isObj {
			return serialization(objMsg)
		}
		return s.scalarCheck(v, javaNumbers)
	}
	return nil
}

const bigNumber = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber"

// javaNumberClass is the Java class DynamoDB's front end reads n as: the
// smallest of Short, Integer and Long that holds an integer, Double
// otherwise (observed; dynalite's tests record 23 as Short, -2147483648 as
// Integer, 2147483648 as Long and 34.56 as Double).
func javaNumberClass(n json.Number) string {
	i, err := strconv.ParseInt(string(n), 10, 64)
	switch {
	case err != nil:
		if _, ok := new(big.Int).SetString(string(n), 10); ok {
			return "class java.math.BigInteger"
		}
		return "class java.lang.Double"
	case i >= -1<<15 && i < 1<<15:
		return "class java.lang.Short"
	case i >= -1<<31 && i < 1<<31:
		return "class java.lang.Integer"
	}
	return "class java.lang.Long"
}

func (s *Shape) scalarCheck(v any, javaNumbers bool) error {
	numberClass := func(n json.Number) string {
		if javaNumbers {
			return javaNumberClass(n)
		}
		return bigNumber
	}
	switch s.Type {
	case String:
		switch x := v.(type) {
		case bool:
			return serialization("class java.lang.Boolean can not be converted to an String")
		case json.Number:
			return serialization(numberClass(x) + " can not be converted to an String")
		}
	case Integer, Long, Double:
		switch v.(type) {
		case bool:
			return serialization("class java.lang.Boolean can not be converted to an " + s.Type.javaName())
		case string:
			return serialization("class java.lang.String can not be converted to an " + s.Type.javaName())
		}
	case Boolean:
		switch x := v.(type) {
		case json.Number:
			if javaNumbers && javaNumberClass(x) == "class java.lang.Double" {
				return nil // DynamoDB takes a double as a Boolean (observed; dynalite records it)
			}
			return serialization(numberClass(x) + " can not be converted to an Boolean")
		case string:
			return serialization("'" + strings.ToUpper(x) + "' can not be converted to an Boolean")
		}
	case Timestamp:
		if _, ok := v.(json.Number); !ok {
			return serialization("Unexpected field type")
		}
	case Blob:
		switch x := v.(type) {
		case bool:
			return serialization("class java.lang.Boolean can not be converted to a Blob")
		case json.Number:
			return serialization(numberClass(x) + " can not be converted to a Blob")
		case string:
			return checkBase64(x)
		}
	}
	return nil
}

// checkBase64 refuses what AWS's decoder refuses: a length not a multiple
// of 4, a character outside the alphabet (or padding before the end), and
// non-canonical final bits.
func checkBase64(s string) error {
	prefix := "'" + s + "' can not be converted to a Blob: "
	if len(s)%4 != 0 {
		return serialization(prefix + "Base64 encoded length is expected a multiple of 4 bytes but found: " + strconv.Itoa(len(s)))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
		if c == '=' && i+1 < len(s) && s[i+1] != '=' {
			ok = false
		}
		if !ok {
			return serialization(prefix + "Invalid Base64 character: '" + string(c) + "'")
		}
	}
	if _, err := base64.StdEncoding.Strict().DecodeString(s); err != nil {
		return serialization(prefix + "Invalid last non-pad Base64 character dectected")
	}
	return nil
}

// Validate reports v's constraint violations (v as TypeCheck parsed it) in
// one ValidationException, or returns nil.
func (s *Shape) Validate(v any) error {
	var errs []string
	m, _ := v.(map[string]any)
	s.validateMembers(m, "", &errs)
	return ValidationErrors(errs)
}

// maxReported is how many violations AWS lists in one message.
const maxReported = 10

// ValidationErrors joins violations ("Value ... at '...' failed to satisfy
// constraint: ...") into AWS's ValidationException, or returns nil when
// there are none.
func ValidationErrors(errs []string) error {
	if len(errs) == 0 {
		return nil
	}
	if len(errs) > maxReported {
		errs = errs[:maxReported]
	}
	noun := "error"
	if len(errs) > 1 {
		noun = "errors"
	}
	return Errorf(ValidationException, "%d validation %s detected: %s", len(errs), noun, strings.Join(errs, "; "))
}

// Violation is one "Value V at 'path' failed to satisfy constraint: msg"
// (v nil prints as null, a string is quoted).
func Violation(v any, path, msg string) string {
	val := "null"
	if v != nil {
		val = "'" + formatValue(v) + "'"
	}
	return "Value " + val + " at '" + path + "' failed to satisfy constraint: " + msg
}

func (s *Shape) validateMembers(m map[string]any, parent string, errs *[]string) {
	for _, mem := range s.Members {
		required := mem.Required || mem.RequiredWithout != "" && m[mem.RequiredWithout] == nil
		mem.Shape.validate(m[mem.Name], parent+lowerFirst(mem.Name), required, errs)
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func (s *Shape) validate(v any, path string, required bool, errs *[]string) {
	if len(*errs) >= maxReported {
		return
	}
	if v == nil {
		if required {
			*errs = append(*errs, Violation(nil, path, "Member must not be null"))
		}
		return
	}
	shown := s.shown(v)
	add := func(msg string) { *errs = append(*errs, Violation(shown, path, msg)) }
	switch s.Type {
	case Integer, Long, Double:
		n, _ := v.(json.Number)
		f, _ := new(big.Float).SetString(string(n))
		if f == nil {
			return
		}
		if s.Min != nil && f.Cmp(new(big.Float).SetInt64(*s.Min)) < 0 {
			add("Member must have value greater than or equal to " + strconv.FormatInt(*s.Min, 10))
		}
		if s.Max != nil && f.Cmp(new(big.Float).SetInt64(*s.Max)) > 0 {
			add("Member must have value less than or equal to " + strconv.FormatInt(*s.Max, 10))
		}
		return
	case String:
		str, _ := v.(string)
		if s.Pattern != "" && !s.regexp().MatchString(str) {
			add("Member must satisfy regular expression pattern: " + s.Pattern)
		}
		s.checkLen(int64(utf8.RuneCountInString(str)), add)
		if len(s.Enum) > 0 && !contains(s.Enum, str) {
			add("Member must satisfy enum value set: [" + strings.Join(s.Enum, ", ") + "]")
		}
	case Blob:
		str, _ := v.(string)
		s.checkLen(int64(base64.StdEncoding.DecodedLen(len(str))-padding(str)), add)
	case List:
		l, _ := v.([]any)
		s.checkLen(int64(len(l)), add)
		for i, e := range l {
			elemPath := path + "." + strconv.Itoa(i+1) + ".member"
			if s.Elem.Type == Structure {
				m, _ := e.(map[string]any)
				if m != nil {
					s.Elem.validateMembers(m, elemPath+".", errs)
				}
				continue
			}
			if str, ok := e.(string); ok && s.Elem.Type == String {
				if bad := s.Elem.violates(str); bad != "" {
					add("Member must satisfy constraint: [" + bad + "]")
					break
				}
				continue
			}
			s.Elem.validate(e, elemPath, false, errs)
		}
	case Map:
		m, _ := v.(map[string]any)
		s.checkLen(int64(len(m)), add)
		if s.Key != nil {
			for k := range m {
				if bad := s.Key.violates(k); bad != "" {
					add("Map keys must satisfy constraint: [" + bad + "]")
					break
				}
			}
		}
		if s.Elem != nil {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if bad := s.Elem.violatesValue(m[k]); bad != "" {
					add("Map value must satisfy constraint: [" + bad + "]")
					break
				}
			}
			if s.Elem.Type == Structure {
				for _, k := range keys {
					if sm, ok := m[k].(map[string]any); ok {
						s.Elem.validateMembers(sm, path+"."+k+".member.", errs)
					}
				}
			}
		}
	case Structure:
		m, _ := v.(map[string]any)
		s.validateMembers(m, path+".", errs)
	}
}

// violatesValue is violates for a Map's value of any shape: a String's
// constraints, or a List's or a Map's bounds on its length (DynamoDB's
// BatchWriteItem: "Map value must satisfy constraint: [Member must have
// length less than or equal to 25, ...]"); other values have none here.
func (s *Shape) violatesValue(v any) string {
	switch s.Type {
	case String:
		str, _ := v.(string)
		return s.violates(str)
	case List:
		l, _ := v.([]any)
		return s.violatesLen(int64(len(l)))
	case Map:
		m, _ := v.(map[string]any)
		return s.violatesLen(int64(len(m)))
	}
	return ""
}

// violatesLen is violates for a length alone.
func (s *Shape) violatesLen(n int64) string {
	if (s.MaxLen == nil || n <= *s.MaxLen) && (s.MinLen == nil || n >= *s.MinLen) {
		return ""
	}
	return s.constraintList()
}

// violates lists the String constraints str breaks, as AWS lists them
// inside a Map's constraint ("Member must have length less than or equal
// to 128, Member must have length greater than or equal to 1").
func (s *Shape) violates(str string) string {
	n := int64(utf8.RuneCountInString(str))
	if (s.MaxLen == nil || n <= *s.MaxLen) && (s.MinLen == nil || n >= *s.MinLen) &&
		(s.Pattern == "" || s.regexp().MatchString(str)) && (len(s.Enum) == 0 || contains(s.Enum, str)) {
		return ""
	}
	return s.constraintList()
}

// constraintList lists all of s's constraints, as AWS lists them inside a
// Map's.
func (s *Shape) constraintList() string {
	var parts []string
	if s.MaxLen != nil {
		parts = append(parts, "Member must have length less than or equal to "+strconv.FormatInt(*s.MaxLen, 10))
	}
	if s.MinLen != nil {
		parts = append(parts, "Member must have length greater than or equal to "+strconv.FormatInt(*s.MinLen, 10))
	}
	if s.Pattern != "" {
		parts = append(parts, "Member must satisfy regular expression pattern: "+s.Pattern)
	}
	if len(s.Enum) > 0 {
		parts = append(parts, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
	}
	return strings.Join(parts, ", ")
}

func (s *Shape) checkLen(n int64, add func(string)) {
	if s.MinLen != nil && n < *s.MinLen {
		add("Member must have length greater than or equal to " + strconv.FormatInt(*s.MinLen, 10))
	}
	if s.MaxLen != nil && n > *s.MaxLen {
		add("Member must have length less than or equal to " + strconv.FormatInt(*s.MaxLen, 10))
	}
}

func padding(s string) int {
	return len(s) - len(strings.TrimRight(s, "="))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Shape) regexp() *regexp.Regexp {
	s.once.Do(func() { s.re = regexp.MustCompile(`^(?:` + s.Pattern + `)$`) })
	return s.re
}

// shown is how AWS prints v in a violation: a blob as Java's ByteBuffer.
func (s *Shape) shown(v any) any {
	if s.Type == Blob {
		str, _ := v.(string)
		n := strconv.Itoa(base64.StdEncoding.DecodedLen(len(str)) - padding(str))
		return rawValue("java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]")
	}
	return v
}

type rawValue string

func formatValue(v any) string {
	switch x := v.(type) {
	case rawValue:
		return string(x)
	case string:
		return x
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + formatValue(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ""
}
