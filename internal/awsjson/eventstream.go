package awsjson

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// EventStream is a handler result that answers with an AWS event stream
// (application/vnd.amazon.eventstream, as Kinesis's SubscribeToShard
// does): status 200, an "initial-response" event, then the events Run
// sends until it returns. An error Run returns ends the stream with an
// exception message (an *Error's Type and text; anything else is an
// InternalFailure). Event payloads are JSON, or CBOR for a CBOR request.
type EventStream struct {
	// Run sends events until the stream is over or ctx ends (the client
	// went away or the server is stopping). send fails once the client is
	// gone; Run should then return.
	Run func(ctx context.Context, send func(eventType string, payload any) error) error
}

// eventStreamContentType is the content type of an event-stream response.
const eventStreamContentType = "application/vnd.amazon.eventstream"

func (s *Server) writeEventStream(ctx context.Context, w http.ResponseWriter, rq *request, es *EventStream) string {
	rc := http.NewResponseController(w)
	// A write deadline would cut the stream (net/http clears the read
	// deadline itself once the request body is read).
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", eventStreamContentType)
	w.WriteHeader(http.StatusOK)
	payloadType := "application/json"
	if rq.cbor {
		payloadType = cborContentType
	}
	enc := eventstream.NewEncoder()
	write := func(headers eventstream.Headers, payload []byte) error {
		if err := enc.Encode(w, eventstream.Message{Headers: headers, Payload: payload}); err != nil {
			return err
		}
		return rc.Flush()
	}
	send := func(eventType string, payload any) error {
		body, err := s.eventPayload(rq, payload)
		if err != nil {
			return err
		}
		return write(eventstream.Headers{
			{Name: ":message-type", Value: eventstream.StringValue("event")},
			{Name: ":event-type", Value: eventstream.StringValue(eventType)},
			{Name: ":content-type", Value: eventstream.StringValue(payloadType)},
		}, body)
	}
	if err := send("initial-response", Raw("{}")); err != nil {
		return "OK"
	}
	err := es.Run(ctx, send)
	if err == nil || ctx.Err() != nil {
		return "OK"
	}
	ae, ok := err.(*Error)
	if !ok {
		s.log.Error("event stream failed", "service", rq.svcName, "operation", rq.op, "err", err)
		ae = &Error{Type: InternalFailure}
	}
	body, _ := s.eventPayload(rq, Raw(jsonError(ae.Type, "message", ae.Message)))
	_ = write(eventstream.Headers{
		{Name: ":message-type", Value: eventstream.StringValue("exception")},
		{Name: ":exception-type", Value: eventstream.StringValue(ae.Type)},
		{Name: ":content-type", Value: eventstream.StringValue(payloadType)},
	}, body)
	return ae.Type
}

// eventPayload encodes one event's payload in the request's format.
func (s *Server) eventPayload(rq *request, payload any) ([]byte, error) {
	var body []byte
	switch p := payload.(type) {
	case Raw:
		body = p
	default:
		var err error
		if body, err = json.Marshal(payload); err != nil {
			return nil, err
		}
	}
	if rq.cbor {
		return rq.svc.CBOR.fromJSON(body, rq.op)
	}
	return body, nil
}
