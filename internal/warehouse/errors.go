package warehouse

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// SQLSTATEs that sqlerr does not name.
const (
	syntaxOrAccessRule        sqlerr.Code = "42000"
	indeterminateDatatype     sqlerr.Code = "42P18"
	ioError                   sqlerr.Code = "58030"
	cantChangeRuntimeParam    sqlerr.Code = "55P02"
	badCopyFileFormat         sqlerr.Code = "22P04"
	protocolViolation                     = sqlerr.ProtocolViolation
	invalidTextRepresentation             = sqlerr.InvalidTextRepresentation
)

func sqlerrf(code sqlerr.Code, format string, args ...any) *sqlerr.Error {
	return sqlerr.New(code, format, args...)
}

// classify turns a DuckDB (or context) error into a *sqlerr.Error with a
// SQLSTATE, a message without DuckDB's "Kind Error:" prefix and caret
// display, and a 1-based character Position into query when DuckDB pointed
// at one. Errors that already carry a code pass through.
func classify(err error, query string) error {
	if err == nil {
		return nil
	}
	if _, ok := sqlerr.As(err); ok {
		return err
	}
	var de *duckdb.Error
	if !errors.As(err, &de) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return &sqlerr.Error{Code: sqlerr.QueryCanceled, Message: canceledMessage(err), Err: err}
		}
		return &sqlerr.Error{Code: sqlerr.InternalError, Message: err.Error(), Err: err}
	}
	msg, line, col := splitDuckMessage(de.Msg)
	// An error a Go scalar function returns (json_guard.go) reaches us
	// behind the driver's prefix for its API errors.
	msg = strings.TrimPrefix(msg, "database/sql/driver: API error: ")
	e := &sqlerr.Error{Code: codeOf(de.Type, msg), Message: msg, Err: err}
	// DuckDB's suggestions ("Did you mean ...", candidate lists) follow the
	// first line: they are a hint.
	if first, rest, ok := strings.Cut(msg, "\n"); ok {
		e.Message, e.Hint = first, strings.TrimSpace(rest)
	}
	if internalSuggestion(e.Hint) {
		e.Hint = ""
	}
	e.Hint = displayQuoted(e.Hint)
	e.Message = pgMessage(e.Message)
	if strings.HasPrefix(e.Message, "INSERT has more ") {
		e.Code = sqlerr.SyntaxError
	}
	if i := strings.Index(e.Message, "(Error: value too long for type "); i >= 0 && de.Type == duckdb.ErrorTypeConstraint {
		// The length check the SQL front end gives VARCHAR(n) and CHAR(n)
		// columns: Redshift's message and SQLSTATE.
		e.Code, e.Message = sqlerr.StringDataRightTruncation, strings.TrimSuffix(e.Message[i+len("(Error: "):], ")")
	}
	if de.Type == duckdb.ErrorTypeInterrupt {
		e.Message = canceledMessage(err)
	}
	if line > 0 && query != "" {
		e.Position = positionOf(query, line, col)
	}
	return e
}

// canceledMessage is Postgres's message for a statement interrupted by a
// cancel (a CancelRequest, the client gone) or by statement_timeout, the
// only deadline a statement's context has.
func canceledMessage(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "canceling statement due to statement timeout"
	}
	return "canceling statement due to user request"
}

// internalSuggestion reports whether hint is DuckDB's "Did you mean" for
// a catalog object the user never made (pg_sequences for a mistyped table
// name): noise that points at the engine's insides.
func internalSuggestion(hint string) bool {
	name, ok := strings.CutPrefix(hint, "Did you mean \"")
	if !ok {
		return false
	}
	name = strings.ToLower(name)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if schema := name[:i]; schema == "pg_catalog" || schema == "information_schema" || schema == strings.ToLower(CatalogSchema) {
			return true
		}
		name = name[i+1:]
	}
	for _, p := range []string{"pg_", "duckdb_", "information_schema", "sqlite_", "rs_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// displayQuoted shows the quoted names in s (a DuckDB hint's candidates)
// as Redshift names them (bsql.DisplayName).
func displayQuoted(s string) string {
	if !strings.Contains(s, "^") {
		return s
	}
	parts := strings.Split(s, `"`)
	for i := 1; i < len(parts); i += 2 {
		parts[i] = bsql.DisplayName(parts[i])
	}
	return strings.Join(parts, `"`)
}

// pgMessage rewords DuckDB's most common catalog messages the way Postgres
// words them, since clients and people match on them.
func pgMessage(msg string) string {
	for _, p := range []struct{ prefix, suffix, format string }{
		{"Table with name ", " does not exist!", "relation %q does not exist"},
		{"View with name ", " does not exist!", "relation %q does not exist"},
		{"Schema with name ", " does not exist!", "schema %q does not exist"},
		{"Table with name ", " already exists!", "relation %q already exists"},
		{"View with name ", " already exists!", "relation %q already exists"},
		{"Schema with name ", " already exists!", "schema %q already exists"},
	} {
		if strings.HasPrefix(msg, p.prefix) && strings.HasSuffix(msg, p.suffix) {
			name := strings.TrimSuffix(strings.TrimPrefix(msg, p.prefix), p.suffix)
			// DuckDB quotes the name in some of these messages and not in
			// others; %q quotes it once.
			if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
				name = name[1 : len(name)-1]
			}
			return fmt.Sprintf(p.format, bsql.DisplayName(name))
		}
	}
	for _, kind := range []string{"Scalar Function", "Aggregate Function", "Table Function", "Macro Function"} {
		// "Scalar Function with name foo does not exist!"
		if rest, ok := strings.CutPrefix(msg, kind+" with name "); ok {
			if name, ok := strings.CutSuffix(rest, " does not exist!"); ok {
				return fmt.Sprintf("function %s does not exist", name)
			}
		}
	}
	// "table t has 2 columns but 3 values were supplied": Postgres's words
	// for too many or too few values.
	var table string
	var cols, vals int
	n, _ := fmt.Sscanf(msg, "table %s has %d columns but %d values were supplied", &table, &cols, &vals)
	if n != 3 {
		n, _ = fmt.Sscanf(msg, "Column name/value mismatch for insert on %s expected %d columns but %d values were supplied", &table, &cols, &vals)
	}
	if n == 3 {
		if vals > cols {
			return "INSERT has more expressions than target columns"
		}
		return "INSERT has more target columns than expressions"
	}
	if rest, ok := strings.CutPrefix(msg, "Referenced column "); ok {
		// `Referenced column "x" not found in FROM clause!` and
		// `Referenced column "x" was not found because the FROM clause is
		// missing`. DuckDB does not escape quotes inside the name (nor does
		// Postgres), so the name ends at the quote before "not found".
		for _, end := range []string{`" was not found`, `" not found`} {
			if k := strings.Index(rest, end); k > 0 && rest[0] == '"' {
				return "column " + bsql.DisplayName(rest[:k+1]) + " does not exist"
			}
		}
	}
	return msg
}

// splitDuckMessage separates DuckDB's "Catalog Error: text\n\nLINE 3: ...\n   ^"
// into the text and the (1-based line, 0-based byte column in that line) the
// caret points at. line is 0 when there is no caret.
func splitDuckMessage(full string) (msg string, line, col int) {
	msg = full
	if i := strings.Index(msg, ": "); i > 0 {
		if _, ok := errorPrefixes[msg[:i]]; ok {
			msg = msg[i+2:]
		}
	}
	li := strings.Index(msg, "\nLINE ")
	if li < 0 {
		return strings.TrimSpace(msg), 0, 0
	}
	display := msg[li+1:]
	msg = strings.TrimSpace(msg[:li])
	lines := strings.SplitN(display, "\n", 3)
	if len(lines) < 2 {
		return msg, 0, 0
	}
	head := lines[0] // "LINE 3: the source line"
	colon := strings.Index(head, ": ")
	if colon < 0 {
		return msg, 0, 0
	}
	n, err := strconv.Atoi(strings.TrimPrefix(head[:colon], "LINE "))
	if err != nil {
		return msg, 0, 0
	}
	caret := strings.IndexByte(lines[1], '^')
	if caret < 0 {
		return msg, 0, 0
	}
	snippet := head[colon+2:]
	col = caret - (colon + 2)
	if col < 0 {
		return msg, 0, 0
	}
	// DuckDB shortens long lines to a window starting with "...": the column
	// is then relative to the window; recover it from where the window starts.
	if strings.HasPrefix(snippet, "...") {
		return msg, n, -(col + 1) // resolved by positionOf against the query
	}
	return msg, n, col
}

// mapPosition moves an error's Position from the translated SQL to the
// client's text: it finds the word DuckDB pointed at in the translation and
// the first occurrence of that word, as a whole word, in the original. When
// that fails the position is dropped rather than pointing somewhere wrong.
func mapPosition(err error, translated, original string) error {
	e, ok := sqlerr.As(err)
	if !ok || e.Position == 0 {
		return err
	}
	word := wordAt(translated, e.Position)
	if word == "" {
		return e.At(0)
	}
	for from := 0; from < len(original); {
		i := indexFold(original[from:], word)
		if i < 0 {
			break
		}
		i += from
		end := i + len(word)
		if (i == 0 || !isWordByte(original[i-1])) && (end == len(original) || !isWordByte(original[end])) {
			return e.At(utf8.RuneCountInString(original[:i]) + 1)
		}
		from = i + 1
	}
	return e.At(0)
}

// wordAt returns the identifier or keyword starting at 1-based character
// position pos of s (quotes stripped), or "".
func wordAt(s string, pos int) string {
	i := 0
	for n := 1; n < pos && i < len(s); n++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if i < len(s) && s[i] == '"' {
		// A quoted name: up to its closing quote, as Redshift names it
		// (a catalog name such as "^mixed^cased^table" is MixedCasedTable).
		if end := strings.IndexByte(s[i+1:], '"'); end > 0 {
			return bsql.DisplayName(s[i+1 : i+1+end])
		}
		i++
	}
	j := i
	for j < len(s) && isWordByte(s[j]) {
		j++
	}
	return s[i:j]
}

func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// positionOf converts (line, byte column) into a 1-based character offset in
// query. A negative column means "relative to a shortened window" and is
// resolved only approximately: the start of the line.
func positionOf(query string, line, col int) int {
	start := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(query[start:], '\n')
		if i < 0 {
			return 0
		}
		start += i + 1
	}
	if col < 0 {
		col = 0
	}
	off := start + col
	if off > len(query) {
		off = len(query)
	}
	return utf8.RuneCountInString(query[:off]) + 1
}

// errorPrefixes are the "Kind Error" words DuckDB puts before its messages.
var errorPrefixes = map[string]struct{}{
	"Invalid Error":                {},
	"Out of Range Error":           {},
	"Conversion Error":             {},
	"Error":                        {},
	"Decimal Error":                {},
	"Mismatch Type Error":          {},
	"Divide by Zero Error":         {},
	"Object Size Error":            {},
	"Invalid type Error":           {},
	"Serialization Error":          {},
	"TransactionContext Error":     {},
	"Not implemented Error":        {},
	"Expression Error":             {},
	"Catalog Error":                {},
	"Parser Error":                 {},
	"Planner Error":                {},
	"Scheduler Error":              {},
	"Executor Error":               {},
	"Constraint Error":             {},
	"Index Error":                  {},
	"Stat Error":                   {},
	"Connection Error":             {},
	"Syntax Error":                 {},
	"Settings Error":               {},
	"Binder Error":                 {},
	"Network Error":                {},
	"Optimizer Error":              {},
	"NullPointer Error":            {},
	"IO Error":                     {},
	"INTERRUPT Error":              {},
	"FATAL Error":                  {},
	"INTERNAL Error":               {},
	"Invalid Input Error":          {},
	"Out of Memory Error":          {},
	"Permission Error":             {},
	"Parameter Not Resolved Error": {},
	"Parameter Not Allowed Error":  {},
	"Dependency Error":             {},
	"HTTP Error":                   {},
	"Missing Extension Error":      {},
	"Extension Autoloading Error":  {},
	"Sequence Error":               {},
	"Invalid Configuration Error":  {},
}

// codeOf maps a DuckDB error kind and message to a SQLSTATE.
func codeOf(t duckdb.ErrorType, msg string) sqlerr.Code {
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(msg, x) {
				return true
			}
		}
		return false
	}
	switch t {
	case duckdb.ErrorTypeParser, duckdb.ErrorTypeSyntax:
		return sqlerr.SyntaxError
	case duckdb.ErrorTypeCatalog:
		switch {
		case has("already exists"):
			if has("Schema") {
				return sqlerr.DuplicateSchema
			}
			if has("Table", "View") {
				return sqlerr.DuplicateTable
			}
			return sqlerr.DuplicateObject
		case has("Schema with name", "schema with name"):
			return sqlerr.UndefinedSchema
		case has("Table with name", "View with name", "Table Function with name \"", "table or view"):
			if has("Table Function") {
				return sqlerr.UndefinedFunction
			}
			return sqlerr.UndefinedTable
		case has("Function with name", "Macro Function with name", "Scalar Function with name"):
			return sqlerr.UndefinedFunction
		case has("unrecognized configuration parameter"):
			return sqlerr.UndefinedObject
		case has("does not have a column", "column with name"):
			return sqlerr.UndefinedColumn
		case has("Cannot drop", "depend"):
			return sqlerr.DependentObjectsStillExist
		}
		return sqlerr.UndefinedObject
	case duckdb.ErrorTypeBinder:
		switch {
		case has("Referenced column", "not found in FROM clause", "does not have a column", "Referenced table", "column") && has("not found", "does not have"):
			if has("Referenced table") {
				return sqlerr.UndefinedTable
			}
			return sqlerr.UndefinedColumn
		case has("ambiguous", "Ambiguous"):
			return sqlerr.AmbiguousColumn
		case has("No function matches", "Could not choose a best candidate function"):
			return sqlerr.UndefinedFunction
		case has("must appear in the GROUP BY"):
			return "42803"
		case has("Could not determine", "parameter"):
			return indeterminateDatatype
		}
		return syntaxOrAccessRule
	case duckdb.ErrorTypeConversion:
		if has("out of range", "Out of Range", "overflow") {
			return sqlerr.NumericValueOutOfRange
		}
		if has("timestamp", "date", "time", "Timestamp", "Date") {
			return sqlerr.InvalidDatetimeFormat
		}
		return sqlerr.InvalidTextRepresentation
	case duckdb.ErrorTypeOutOfRange, duckdb.ErrorTypeDecimal:
		return sqlerr.NumericValueOutOfRange
	case duckdb.ErrorTypeDivideByZero:
		return sqlerr.DivisionByZero
	case duckdb.ErrorTypeConstraint:
		switch {
		case has("NOT NULL"):
			return sqlerr.NotNullViolation
		case has("Duplicate key", "PRIMARY KEY or UNIQUE", "unique"):
			return sqlerr.UniqueViolation
		}
		return sqlerr.IntegrityConstraintViolation
	case duckdb.ErrorTypeTransaction:
		switch {
		case has("aborted"):
			return sqlerr.InFailedSQLTransaction
		case has("Conflict", "conflict"):
			return sqlerr.SerializationFailure
		case has("within a transaction", "already"):
			return sqlerr.ActiveSQLTransaction
		case has("no transaction"):
			return sqlerr.NoActiveSQLTransaction
		}
		return sqlerr.InvalidTransactionState
	case duckdb.ErrorTypeInterrupt:
		return sqlerr.QueryCanceled
	case duckdb.ErrorTypeInvalidInput:
		if msg == "division by zero" { // rs_nonzero, the SQL front end's divisor guard
			return sqlerr.DivisionByZero
		}
		if strings.HasPrefix(msg, "value too long for type ") { // rs_char_limit, the SQL front end's length check
			return sqlerr.StringDataRightTruncation
		}
		if strings.HasPrefix(msg, "Found multiple matches to update the same tuple") { // MERGE's check
			return sqlerr.CardinalityViolation
		}
		if has("JSON", "json") {
			return sqlerr.InvalidJSONText
		}
		return sqlerr.InvalidParameterValue
	case duckdb.ErrorTypeNotImplemented:
		return sqlerr.FeatureNotSupported
	case duckdb.ErrorTypeDependency:
		return sqlerr.DependentObjectsStillExist
	case duckdb.ErrorTypeOutOfMemory:
		return sqlerr.OutOfMemory
	case duckdb.ErrorTypeIO:
		return ioError
	case duckdb.ErrorTypePermission:
		return sqlerr.InsufficientPrivilege
	case duckdb.ErrorTypeParameterNotResolved:
		return indeterminateDatatype
	case duckdb.ErrorTypeSettings:
		return sqlerr.InvalidParameterValue
	case duckdb.ErrorTypeMismatchType, duckdb.ErrorTypeInvalidType:
		return sqlerr.DatatypeMismatch
	case duckdb.ErrorTypeSequence:
		return sqlerr.ObjectNotInPrerequisiteState
	}
	return sqlerr.InternalError
}

// errorf is fmt.Errorf for engine errors that carry no SQLSTATE of their own.
func errorf(format string, args ...any) error { return fmt.Errorf("warehouse: "+format, args...) }

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
