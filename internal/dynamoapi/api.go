package dynamoapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/obs"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Options configure the API. The zero value is ready to use.
type Options struct {
	// Logger receives the API's events. Nil discards them.
	Logger *slog.Logger
	// Region and Account appear in ARNs. Empty means us-east-1 and 000000000000.
	Region, Account string
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Endpoint is the address DescribeEndpoints reports ("" means
	// "localhost").
	Endpoint string
	// StreamExists reports whether this server has a Kinesis stream of
	// that name (Kinesis streaming destinations). Nil means any exists.
	StreamExists func(name string) bool
	// Streams holds the tables' DynamoDB streams (StreamSpecification,
	// and the DynamoDB Streams API of StreamsService). Nil means a
	// StreamSpecification is only recorded.
	Streams *capture.Streams
}

// API is the DynamoDB API over one tables store.
type API struct {
	log             *slog.Logger
	st              *tables.Store
	region, account string
	now             func() time.Time
	endpoint        string
	streamExists    func(name string) bool
	streams         *capture.Streams

	tokens tokenCache // TransactWriteItems idempotency
}

// New returns the DynamoDB API over st.
func New(st *tables.Store, o Options) *API {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "000000000000"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Endpoint == "" {
		o.Endpoint = "localhost"
	}
	a := &API{log: obs.Logger(o.Logger).With("component", "dynamoapi"), st: st, region: o.Region, account: o.Account, now: o.Now, endpoint: o.Endpoint, streamExists: o.StreamExists, streams: o.Streams}
	a.tokens.entries = map[string]tokenEntry{}
	return a
}

// DynamoDB error types, with the full type strings DynamoDB sends.
const (
	typePrefix                   = "com.amazonaws.dynamodb.v20120810#"
	ValidationException          = "com.amazon.coral.validate#ValidationException" // DynamoDB's, as dynalite records it
	ResourceNotFoundException    = typePrefix + "ResourceNotFoundException"
	ResourceInUseException       = typePrefix + "ResourceInUseException"
	ConditionalCheckFailed       = typePrefix + "ConditionalCheckFailedException"
	TransactionCanceledException = typePrefix + "TransactionCanceledException"
	IdempotentParameterMismatch  = typePrefix + "IdempotentParameterMismatchException"
	SerializationException       = "com.amazon.coral.service#SerializationException"
	InternalServerError          = typePrefix + "InternalServerError"
)

func validation(format string, args ...any) error {
	return awsjson.Errorf(ValidationException, format, args...)
}

// notFound is ResourceNotFoundException as item operations word it.
func notFound() error {
	return awsjson.Errorf(ResourceNotFoundException, "Requested resource not found")
}

// fail translates a store error.
func (a *API) fail(err error, table string) error {
	var ae *awsjson.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.Is(err, tables.ErrTableNotFound):
		return notFound()
	case errors.Is(err, tables.ErrTableExists):
		return awsjson.Errorf(ResourceInUseException, "Table already exists: %s", table)
	case errors.Is(err, tables.ErrTableBusy):
		return awsjson.Errorf(ResourceInUseException, "Attempt to change a resource which is still in use: Table is being created: %s", table)
	case errors.Is(err, tables.ErrIndexNotFound):
		return validation("The table does not have the specified index")
	}
	var ve *attr.ValueError
	if errors.As(err, &ve) {
		return validation("%s", ve.Msg)
	}
	return err
}

// decode reads a request body; bad JSON or a value of the wrong JSON type
// is a SerializationException, an attribute value DynamoDB refuses a
// ValidationException with its text.
func decode(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	// Attribute values decode level by level, each level rescanning what
	// it holds: a body nested thousands deep would cost quadratic time
	// before checkDepth could refuse it. A body deeper than any request
	// whose values stay within DynamoDB's 32 levels (two JSON levels a
	// value, {"M": {...}}, and a few for the request around it) is refused
	// at once, with the error checkDepth gives.
	if jsonDepthOver(body, 2*attr.MaxDepth+16) {
		return errNesting()
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var ve *attr.ValueError
	var se *attr.SerializationError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &ve):
		return validation("%s", ve.Msg)
	case errors.As(err, &se):
		return awsjson.Errorf(SerializationException, "%s", se.Msg)
	case errors.As(err, &te):
		return awsjson.Errorf(SerializationException, "%s", typeErrorText(te))
	}
	return awsjson.Errorf(SerializationException, "%s", "Unexpected character in the request body")
}

// typeErrorText words a JSON type mismatch as DynamoDB's (Java) front end
// does.
func typeErrorText(te *json.UnmarshalTypeError) string {
	switch te.Value {
	case "object":
		return "Start of structure or map found where not expected."
	case "array":
		return "Start of list found where not expected"
	case "string":
		return "class java.lang.String can not be converted to an " + javaType(te.Type.Kind().String())
	case "bool":
		return "class java.lang.Boolean can not be converted to an " + javaType(te.Type.Kind().String())
	}
	return "Unexpected value type in payload"
}

func javaType(kind string) string {
	switch kind {
	case "int", "int64", "int32":
		return "Long"
	case "bool":
		return "Boolean"
	case "string":
		return "String"
	}
	return "Object"
}

// constraint collects "Value x at 'path' failed to satisfy constraint:
// msg" errors, as DynamoDB reports parameter constraint violations.
type constraints []string

func (c *constraints) add(value any, path, msg string) {
	if len(*c) >= 10 {
		return
	}
	v := "null"
	switch x := value.(type) {
	case nil:
	case *string:
		if x != nil {
			v = "'" + *x + "'"
		}
	case *int64:
		if x != nil {
			v = "'" + strconv.FormatInt(*x, 10) + "'"
		}
	default:
		v = "'" + fmt.Sprint(x) + "'"
	}
	*c = append(*c, "Value "+v+" at '"+path+"' failed to satisfy constraint: "+msg)
}

func (c constraints) err() error {
	switch len(c) {
	case 0:
		return nil
	case 1:
		return validation("1 validation error detected: %s", c[0])
	}
	return validation("%d validation errors detected: %s", len(c), strings.Join(c, "; "))
}

var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

// checkTableName adds the constraints a table name must meet. A table ARN
// (the model lets TableName be one, up to 1024 characters) is held to
// them by the name it ends with.
func checkTableName(c *constraints, name *string, path string) {
	if name == nil {
		c.add(nil, path, "Member must not be null")
		return
	}
	checkName(c, name, tableNameOf(*name), path)
}

// checkNewTableName is checkTableName for a table to create, which is
// named, not given by ARN.
func checkNewTableName(c *constraints, name *string, path string) {
	if name == nil {
		c.add(nil, path, "Member must not be null")
		return
	}
	checkName(c, name, *name, path)
}

// checkName holds n, the name in value, to a table name's constraints.
func checkName(c *constraints, value *string, n, path string) {
	if !namePattern.MatchString(n) {
		c.add(value, path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
	if len(n) < 3 {
		c.add(value, path, "Member must have length greater than or equal to 3")
	}
	if len(n) > 255 {
		c.add(value, path, "Member must have length less than or equal to 255")
	}
}

// tableNameOf resolves a TableName that may be a table ARN.
func tableNameOf(s string) string {
	if i := strings.Index(s, ":table/"); strings.HasPrefix(s, "arn:") && i >= 0 {
		return s[i+len(":table/"):]
	}
	return s
}

func (a *API) tableARN(name string) string {
	return "arn:aws:dynamodb:" + a.region + ":" + a.account + ":table/" + name
}

// checkEnum adds a constraint when value is set and not one of allowed.
func checkEnum(c *constraints, value *string, path string, allowed ...string) {
	if value == nil {
		return
	}
	for _, v := range allowed {
		if *value == v {
			return
		}
	}
	c.add(value, path, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

// DynamoDB's item limits.
const (
	maxItemSize  = 400 * 1024
	maxHashKey   = 2048
	maxRangeKey  = 1024
	maxBatchGet  = 100
	maxBatchPut  = 25
	maxTransact  = 100
	maxPageBytes = 1 << 20
)

// checkItem checks an item to put against its table: nested at most 32
// levels, key attributes present with the right types and sizes, index
// keys typed right, size within 400 KB. It returns the item's primary key.
func checkItem(t *tables.Table, item attr.Item) (attr.Item, error) {
	if err := checkDepth(item); err != nil {
		return nil, err
	}
	key := attr.Item{}
	for i, k := range []tables.KeyAttr{t.Key.Hash, t.Key.Range} {
		if k.Name == "" {
			continue
		}
		v, ok := item[k.Name]
		if !ok {
			return nil, validation("One or more parameter values were invalid: Missing the key %s in the item", k.Name)
		}
		if v.T != k.Type {
			return nil, validation("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", k.Name, k.Type, v.T)
		}
		if err := checkKeySize(k.Name, v, i == 0); err != nil {
			return nil, err
		}
		key[k.Name] = v
	}
	for _, ix := range t.Indexes {
		for _, k := range []tables.KeyAttr{ix.Key.Hash, ix.Key.Range} {
			if v, ok := item[k.Name]; ok && k.Name != "" {
				if v.T != k.Type {
					return nil, validation("One or more parameter values were invalid: Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", k.Name, k.Type, v.T, ix.Name)
				}
				if isEmptyKey(v) {
					return nil, validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: %s, IndexKey: %s", ix.Name, k.Name)
				}
			}
		}
	}
	if attr.ItemSize(item) > maxItemSize {
		return nil, validation("Item size has exceeded the maximum allowed size")
	}
	return key, nil
}

// checkDepth refuses an item nested deeper than DynamoDB's 32 levels, with
// DynamoDB's message (observed: a value of 31 nested maps under its
// attribute is stored, one of 32 is refused).
func checkDepth(item attr.Item) error {
	if attr.ItemDepth(item, attr.MaxDepth) > attr.MaxDepth {
		return errNesting()
	}
	return nil
}

func errNesting() error {
	return validation("Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")
}

// jsonDepthOver reports whether JSON text b nests objects and arrays deeper
// than max, in one pass (strings skipped, escapes honoured).
func jsonDepthOver(b []byte, max int) bool {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			if depth++; depth > max {
				return true
			}
		case '}', ']':
			depth--
		}
	}
	return false
}

func isEmptyKey(v attr.Value) bool {
	return (v.T == attr.S && v.S == "") || (v.T == attr.B && len(v.B) == 0)
}

func checkKeySize(name string, v attr.Value, hash bool) error {
	if isEmptyKey(v) {
		return validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s", map[attr.Type]string{attr.S: "string", attr.B: "binary"}[v.T], name)
	}
	n := len(v.S) + len(v.B)
	if v.T == attr.N {
		return nil
	}
	if hash && n > maxHashKey {
		return validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
	}
	if !hash && n > maxRangeKey {
		return validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
	}
	return nil
}

// checkKey checks a Key parameter (GetItem, DeleteItem, UpdateItem, ...):
// exactly the table's key attributes with their types.
func checkKey(t *tables.Table, key attr.Item) error {
	n := 1
	if t.Key.HasRange() {
		n = 2
	}
	if len(key) != n {
		return validation("The provided key element does not match the schema")
	}
	for i, k := range []tables.KeyAttr{t.Key.Hash, t.Key.Range} {
		if k.Name == "" {
			continue
		}
		v, ok := key[k.Name]
		if !ok || v.T != k.Type {
			return validation("The provided key element does not match the schema")
		}
		if err := checkKeySize(k.Name, v, i == 0); err != nil {
			return err
		}
	}
	return nil
}

// conditionError is the response to a failed condition, with the item
// when asked for (ReturnValuesOnConditionCheckFailure ALL_OLD).
func conditionError(item attr.Item, returnOld bool) error {
	e := awsjson.Errorf(ConditionalCheckFailed, "The conditional request failed")
	if returnOld && item != nil {
		e.Extra = map[string]any{"Item": item}
	}
	return e
}

// errConditionFailed is a failed condition inside a write (tables.Op's
// Decide); Item is the current item.
type errConditionFailed struct{ Item attr.Item }

func (e *errConditionFailed) Error() string { return "The conditional request failed" }

type cancellationReason struct {
	Code    string    `json:"Code"`
	Message string    `json:"Message,omitempty"`
	Item    attr.Item `json:"Item,omitempty"`
}

// consumed is ConsumedCapacity.
type consumed struct {
	TableName     string         `json:"TableName"`
	CapacityUnits float64        `json:"CapacityUnits"`
	ReadCapacity  *float64       `json:"ReadCapacityUnits,omitempty"`
	WriteCapacity *float64       `json:"WriteCapacityUnits,omitempty"`
	Table         *capacityUnits `json:"Table,omitempty"`
}

type capacityUnits struct {
	CapacityUnits float64 `json:"CapacityUnits"`
}

// capacity returns ConsumedCapacity for mode (TOTAL or INDEXES; nil for
// NONE or unset): writes are a unit per KB, reads a unit per 4 KB (half
// that when eventually consistent). sizeOf gives the item size counted; it
// runs only when capacity is asked for.
func capacity(mode *string, table string, sizeOf func() int, write, consistent bool) *consumed {
	if mode == nil || (*mode != "TOTAL" && *mode != "INDEXES") {
		return nil
	}
	size := sizeOf()
	var u float64
	if write {
		u = float64(max(1, (size+1023)/1024))
	} else {
		u = float64(max(1, (size+4095)/4096))
		if !consistent {
			u /= 2
		}
	}
	c := &consumed{TableName: table, CapacityUnits: u}
	if *mode == "INDEXES" {
		c.Table = &capacityUnits{u}
	}
	return c
}

// tokenCache remembers TransactWriteItems client request tokens for ten
// minutes, as DynamoDB does.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]tokenEntry
}

type tokenEntry struct {
	request string // the request body, to detect a different request
	result  any
	atMs    int64
}

const tokenTTL = 10 * time.Minute

func (c *tokenCache) get(token, req string, nowMs int64) (any, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if nowMs-e.atMs > tokenTTL.Milliseconds() {
			delete(c.entries, k)
		}
	}
	e, ok := c.entries[token]
	if !ok {
		return nil, false, nil
	}
	if e.request != req {
		return nil, false, awsjson.Errorf(IdempotentParameterMismatch, "Request parameters do not match the parameters of the previous request with the same ClientRequestToken")
	}
	return e.result, true, nil
}

func (c *tokenCache) put(token, req string, result any, nowMs int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[token] = tokenEntry{request: req, result: result, atMs: nowMs}
}

// epoch is a timestamp in seconds since the epoch, as DynamoDB writes
// them (a JSON number with a fraction).
type epoch int64 // milliseconds

// MarshalJSON writes seconds with a millisecond fraction.
func (e epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(e)/1000, 'f', 3, 64)), nil
}
