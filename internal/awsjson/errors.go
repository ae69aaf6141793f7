package awsjson

import (
	"fmt"
	"net/http"
	"strings"
)

// Error is an AWS API error: its Type becomes "__type" and its Status the
// HTTP status of the response.
type Error struct {
	Type    string
	Message string
	Status  int
	// Extra holds further members of the error body, beside __type and
	// message (DynamoDB's CancellationReasons, Item). Usually nil.
	Extra map[string]any
	// MessageKey is the JSON key of the message; empty means AWS's usual
	// choice: "Message" for SerializationException, "message" otherwise.
	// An empty Message is left out of the body.
	MessageKey string
}

// Error returns "Type: Message".
func (e *Error) Error() string { return e.Type + ": " + e.Message }

func (e *Error) messageKey() string {
	switch {
	case e.MessageKey != "":
		return e.MessageKey
	case e.Type == SerializationException, strings.HasSuffix(e.Type, "#"+SerializationException):
		return "Message"
	}
	return "message"
}

// Errorf returns an *Error of type typ with status 400 and a formatted message.
func Errorf(typ, format string, args ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// Protocol-level error types, common to the AWS JSON services.
const (
	// SerializationException: the body is not valid JSON for the operation.
	SerializationException = "SerializationException"
	// UnknownOperationException: X-Amz-Target names no operation.
	UnknownOperationException = "UnknownOperationException"
	// ValidationException: a parameter fails its constraints.
	ValidationException = "ValidationException"
	// InternalFailure: the server failed; status 500.
	InternalFailure = "InternalFailure"
	// RequestEntityTooLarge: the body exceeds the server's limit; status 413.
	RequestEntityTooLarge = "RequestEntityTooLargeException"
)
