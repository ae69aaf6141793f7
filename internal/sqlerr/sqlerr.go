// Package sqlerr classifies SQL errors inside blueshift. Every layer that
// rejects SQL (the dialect front end, the warehouse, the procedure
// interpreter) returns an *Error with a Code; only pgwire turns it into a
// wire-protocol ErrorResponse. Codes are Postgres SQLSTATEs, since that is what
// Redshift clients match on.
package sqlerr

import (
	"errors"
	"fmt"
)

// Code is a five-character SQLSTATE.
type Code string

// The SQLSTATEs blueshift raises. Names follow Postgres's errcodes.
const (
	SuccessfulCompletion          Code = "00000"
	Warning                       Code = "01000"
	FeatureNotSupported           Code = "0A000"
	CardinalityViolation          Code = "21000"
	DataException                 Code = "22000"
	StringDataRightTruncation     Code = "22001"
	NumericValueOutOfRange        Code = "22003"
	InvalidDatetimeFormat         Code = "22007"
	DatetimeFieldOverflow         Code = "22008"
	DivisionByZero                Code = "22012"
	InvalidParameterValue         Code = "22023"
	InvalidTextRepresentation     Code = "22P02"
	InvalidJSONText               Code = "22032"
	IntegrityConstraintViolation  Code = "23000"
	NotNullViolation              Code = "23502"
	UniqueViolation               Code = "23505"
	InvalidTransactionState       Code = "25000"
	ActiveSQLTransaction          Code = "25001"
	NoActiveSQLTransaction        Code = "25P01"
	InFailedSQLTransaction        Code = "25P02"
	InvalidAuthorizationSpec      Code = "28000"
	InvalidPassword               Code = "28P01"
	InvalidCursorName             Code = "34000"
	DuplicateCursor               Code = "42P03"
	InvalidSQLStatementName       Code = "26000"
	SerializationFailure          Code = "40001"
	SyntaxError                   Code = "42601"
	InsufficientPrivilege         Code = "42501"
	UndefinedColumn               Code = "42703"
	UndefinedFunction             Code = "42883"
	UndefinedTable                Code = "42P01"
	UndefinedObject               Code = "42704"
	UndefinedSchema               Code = "3F000"
	DuplicateTable                Code = "42P07"
	DuplicateObject               Code = "42710"
	DuplicateSchema               Code = "42P06"
	DuplicateFunction             Code = "42723"
	AmbiguousColumn               Code = "42702"
	DatatypeMismatch              Code = "42804"
	WrongObjectType               Code = "42809"
	InvalidSchemaDefinition       Code = "42P15"
	ObjectNotInPrerequisiteState  Code = "55000"
	QueryCanceled                 Code = "57014"
	AdminShutdown                 Code = "57P01"
	ProgramLimitExceeded          Code = "54000"
	InternalError                 Code = "XX000"
	RaiseException                Code = "P0001"
	ProtocolViolation             Code = "08P01"
	ConnectionFailure             Code = "08006"
	InvalidPreparedStatementDef   Code = "42P14"
	UndefinedPreparedStatement    Code = "26000"
	ConfigurationLimitExceeded    Code = "53400"
	InvalidCatalogName            Code = "3D000"
	InvalidParameterValueSetting  Code = "22023"
	InvalidRecursion              Code = "42P19"
	InvalidColumnReference        Code = "42P10"
	InvalidTableDefinition        Code = "42P16"
	InvalidForeignKey             Code = "42830"
	InvalidObjectDefinition       Code = "42P17"
	ReadOnlySQLTransaction        Code = "25006"
	LockNotAvailable              Code = "55P03"
	DiskFull                      Code = "53100"
	OutOfMemory                   Code = "53200"
	InvalidEscapeSequence         Code = "22025"
	CharacterNotInRepertoire      Code = "22021"
	InvalidRegularExpression      Code = "2201B"
	NullValueNotAllowed           Code = "22004"
	InvalidArgumentForLogarithm   Code = "2201E"
	ArraySubscriptError           Code = "2202E"
	InvalidBinaryRepresentation   Code = "22P03"
	BadCopyFileFormat             Code = "22P04"
	UntranslatableCharacter       Code = "22P05"
	CaseNotFound                  Code = "20000"
	NoDataFound                   Code = "P0002"
	TooManyRows                   Code = "P0003"
	AssertFailure                 Code = "P0004"
	StatementTooComplex           Code = "54001"
	InvalidColumnDefinition       Code = "42611"
	InvalidFunctionDefinition     Code = "42P13"
	DependentObjectsStillExist    Code = "2BP01"
	SQLRoutineException           Code = "2F000"
	ExternalRoutineException      Code = "38000"
	InvalidSavepointSpecification Code = "3B001"
)

// Error is a classified SQL error. Position is a 1-based character offset into
// the statement text the client sent (0 when unknown), as Postgres reports it.
type Error struct {
	Code     Code
	Severity string // ERROR (default), FATAL
	Message  string
	Detail   string
	Hint     string
	Position int
	Err      error // the underlying cause, if any
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// At returns a copy of e with Position set.
func (e *Error) At(pos int) *Error {
	c := *e
	c.Position = pos
	return &c
}

// Wrap classifies err under code with message prefix context.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...) + ": " + err.Error(), Err: err}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// CodeOf returns err's SQLSTATE, or InternalError when it has none.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return InternalError
}
