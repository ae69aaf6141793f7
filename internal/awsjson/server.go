package awsjson

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/blueshift-dev/blueshift/internal/obs"
)

// Handler runs one operation on a request body and returns the result to
// encode as JSON (a Raw result is written as is; nil is an empty body, as
// AWS answers operations without output; an *EventStream streams events),
// or an error (an *Error goes to
// the client as is; anything else is an InternalFailure).
type Handler func(ctx context.Context, body []byte) (any, error)

// Raw is a result that is already JSON.
type Raw []byte

// Service is one AWS JSON service: its target prefix and operations.
type Service struct {
	// Prefix is the part of X-Amz-Target before the dot, e.g. "Kinesis_20131202".
	Prefix string
	// ContentType is the protocol's content type, e.g.
	// "application/x-amz-json-1.1"; requests must carry it (or
	// application/json, which AWS answers in its deprecated envelope).
	ContentType string
	// Operations maps operation names to handlers.
	Operations map[string]Handler
	// Inputs maps operation names to their input shapes. When an operation
	// has one, the server type-checks the body against it before
	// authenticating (SerializationException) and validates it after
	// (ValidationException), before the handler runs. Operations without
	// one check their input themselves (Check, TypeCheck).
	Inputs map[string]*Shape
	// ErrorType maps an error's Type to the "__type" written; nil writes
	// it as is (Kinesis). DynamoDB writes
	// "com.amazonaws.dynamodb.v20120810#" + t.
	ErrorType func(t string) string
	// CBOR, when set, makes the service also take and answer
	// application/x-amz-cbor-1.1 bodies, translated to and from JSON.
	CBOR *CBORCodec
	// JavaNumbers makes the type check name a number found where another
	// type belongs by the Java class it fits ("class java.lang.Short can
	// not be converted to an String"), as DynamoDB's front end does; false
	// names it as Kinesis's does (TruncatingBigNumber).
	JavaNumbers bool
	// Texts replaces the text of protocol errors of these types (DynamoDB
	// words MissingAuthenticationTokenException "Request is missing
	// Authentication Token"); nil keeps AWS's usual texts.
	Texts map[string]string
}

// Server dispatches AWS JSON requests to registered services. Register
// every service, and set the fields, before serving.
type Server struct {
	// MaxBody bounds a request body; zero means 16 MiB.
	MaxBody int64
	// Now is the clock signatures are checked against; nil means time.Now.
	Now func() time.Time

	log         *slog.Logger
	services    map[string]*Service
	credentials map[string]string
	signer      *v4.Signer
	reqs        *prometheus.CounterVec
	dur         *prometheus.HistogramVec
	bufs        sync.Pool
}

// NewServer returns a server that logs to log and registers its metrics
// with reg (both may be nil).
func NewServer(log *slog.Logger, reg prometheus.Registerer) *Server {
	s := &Server{
		log:      obs.Logger(log).With("component", "awsjson"),
		services: map[string]*Service{},
		signer:   newSigner(),
		reqs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "blueshift_awsjson_requests_total", Help: "AWS API requests by service, operation and response type.",
		}, []string{"service", "operation", "code"}),
		dur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "blueshift_awsjson_request_duration_seconds", Help: "AWS API request latency.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}, []string{"service", "operation"}),
	}
	obs.Registerer(reg).MustRegister(s.reqs, s.dur)
	return s
}

// Register adds a service. It panics on a duplicate prefix (a wiring bug).
func (s *Server) Register(svc *Service) {
	if _, dup := s.services[svc.Prefix]; dup {
		panic("awsjson: service " + svc.Prefix + " registered twice")
	}
	s.services[svc.Prefix] = svc
}

// SetCredentials makes the server verify SigV4 signatures against these
// access keys (access key ID to secret key) and refuse other keys. With
// none (the default), any well-formed signature is accepted.
func (s *Server) SetCredentials(creds map[string]string) {
	s.credentials = make(map[string]string, len(creds))
	for k, v := range creds {
		s.credentials[k] = v
	}
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

type ctxKey struct{}

// AccessKey returns the SigV4 access key ID of the request, if it had one.
func AccessKey(ctx context.Context) string {
	k, _ := ctx.Value(ctxKey{}).(string)
	return k
}

// ParseAuthorization returns the access key ID and region of a SigV4
// Authorization header ("AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...").
func ParseAuthorization(h string) (accessKey, region string, ok bool) {
	rest, found := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !found {
		return "", "", false
	}
	for _, part := range strings.Split(rest, ",") {
		cred, found := strings.CutPrefix(strings.TrimSpace(part), "Credential=")
		if !found {
			continue
		}
		f := strings.Split(cred, "/")
		if len(f) != 5 || f[0] == "" {
			return "", "", false
		}
		return f[0], f[2], true
	}
	return "", "", false
}

// Protocol texts and values AWS uses (observed; kinesalite's connection
// tests record the same).
const (
	jsonDeprecated   = "application/json"
	cborContentType  = "application/x-amz-cbor-1.1"
	msgAccessDenied  = "Unable to determine service/operation name to be authorized"
	corsExposed      = "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date"
	corsMaxAgeSecond = "172800"
)

// request is one request's state as ServeHTTP passes it along.
type request struct {
	svc         *Service
	svcName, op string
	contentType string
	cbor        bool
}

// ServeHTTP implements http.Handler. Checks run in AWS's order: CORS
// preflight, method, content type, body present, JSON well formed, target
// known, member types, authentication, constraints, then the operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rq := &request{}
	code := s.serve(w, r, rq)
	s.reqs.WithLabelValues(rq.svcName, rq.op, code).Inc()
	s.dur.WithLabelValues(rq.svcName, rq.op).Observe(time.Since(start).Seconds())
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rq *request) string {
	h := w.Header()
	h.Set("x-amzn-RequestId", uuid.NewString())
	origin := r.Header.Get("Origin")
	if r.Method != http.MethodOptions || origin == "" {
		var id2 [72]byte
		_, _ = rand.Read(id2[:])
		h.Set("x-amz-id-2", base64.StdEncoding.EncodeToString(id2[:]))
	}
	if origin != "" {
		h.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions {
			if v := r.Header.Get("Access-Control-Request-Headers"); v != "" {
				h.Set("Access-Control-Allow-Headers", v)
			}
			if v := r.Header.Get("Access-Control-Request-Method"); v != "" {
				h.Set("Access-Control-Allow-Methods", v)
			}
			h.Set("Access-Control-Max-Age", corsMaxAgeSecond)
			h.Set("Content-Length", "0")
			w.WriteHeader(http.StatusOK)
			return "CORS"
		}
		h.Set("Access-Control-Expose-Headers", corsExposed)
	}
	hasAuth := r.Header.Get("Authorization") != "" || r.URL.Query().Has("X-Amz-Algorithm")
	if r.Method != http.MethodPost {
		return writeXMLDenied(w, hasAuth, origin != "")
	}

	prefix, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	rq.svc = s.services[prefix]
	if rq.svc != nil {
		rq.svcName = prefix
		if rq.svc.Operations[op] != nil {
			rq.op = op
		}
	}
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	rq.contentType = strings.TrimSpace(ct)
	if rq.svc == nil && prefix != "" && op != "" {
		// A client of another AWS service pointed at this port (AWS
		// never sees this): say what is served here.
		s.log.Warn("request for a service not served", "target", prefix+"."+op, "served", s.served())
		return s.writeError(w, rq, Errorf(UnknownOperationException,
			"%s is not served on this endpoint; it serves %s", prefix, s.served()))
	}
	valid := s.validContentType(rq)
	rq.cbor = valid && rq.contentType == cborContentType

	buf := s.getBuf()
	defer s.bufs.Put(buf)
	limit := s.MaxBody
	if limit <= 0 {
		limit = 16 << 20
	}
	tooLarge := &Error{Type: RequestEntityTooLarge, Message: "request body larger than " + strconv.FormatInt(limit, 10) + " bytes", Status: http.StatusRequestEntityTooLarge}
	if r.ContentLength > limit {
		return s.writeError(w, rq, tooLarge)
	}
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return s.writeError(w, rq, serialization(""))
	}
	if n > limit {
		return s.writeError(w, rq, tooLarge)
	}
	if !valid {
		// No or another content type: AWS cannot tell the service apart
		// unless the rest of the request names an operation.
		if !hasAuth || rq.contentType == "" || rq.op == "" || n == 0 {
			return writeXMLDenied(w, hasAuth, origin != "")
		}
		h["Content-Type"] = nil
		h.Set("Content-Length", strconv.Itoa(len("<UnknownOperationException/>\n")))
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<UnknownOperationException/>\n")
		return UnknownOperationException
	}
	body := buf.Bytes()
	raw := body // what the client signed, before any CBOR translation
	known := rq.svc != nil && rq.op != ""
	if len(body) == 0 {
		if rq.contentType == jsonDeprecated {
			return writeDeprecated(w, UnknownOperationException, "message")
		}
		if known {
			return s.writeError(w, rq, serialization(""))
		}
		return s.writeError(w, rq, &Error{Type: UnknownOperationException})
	}
	if rq.cbor {
		if !known {
			return s.writeError(w, rq, &Error{Type: UnknownOperationException})
		}
		if body, err = rq.svc.CBOR.toJSON(body, rq.op); err != nil {
			return s.writeError(w, rq, serialization(""))
		}
	} else if !isJSONObject(body, !known) {
		if rq.contentType == jsonDeprecated {
			return writeDeprecated(w, "SerializationException", "Message")
		}
		return s.writeError(w, rq, serialization(""))
	}
	if rq.contentType == jsonDeprecated {
		return writeDeprecated(w, UnknownOperationException, "message")
	}
	if !known {
		return s.writeError(w, rq, &Error{Type: UnknownOperationException})
	}

	shape := rq.svc.Inputs[rq.op]
	var parsed any
	if shape != nil {
		if parsed, err = typeCheck(shape, body, rq.svc.JavaNumbers); err != nil {
			return s.fail(w, rq, err)
		}
	}
	key, aerr := s.authenticate(r, raw)
	if aerr != nil {
		return s.writeError(w, rq, aerr)
	}
	if shape != nil {
		if err := shape.Validate(parsed); err != nil {
			return s.fail(w, rq, err)
		}
	}
	ctx := r.Context()
	if key != "" {
		ctx = context.WithValue(ctx, ctxKey{}, key)
	}
	result, err := rq.svc.Operations[rq.op](ctx, body)
	if err != nil {
		if cerr := r.Context().Err(); cerr != nil && errors.Is(err, cerr) {
			// The client went away (or its deadline passed) while the
			// operation ran: nobody reads the answer, and nothing failed
			// on this side.
			s.log.Debug("request canceled by the client", "service", rq.svcName, "operation", rq.op, "request", w.Header().Get("x-amzn-RequestId"), "err", err)
			return s.writeError(w, rq, &Error{Type: InternalFailure, Status: http.StatusInternalServerError})
		}
		return s.fail(w, rq, err)
	}
	if es, ok := result.(*EventStream); ok {
		return s.writeEventStream(ctx, w, rq, es)
	}
	return s.writeResult(w, rq, result)
}

// text is the service's own text for protocol errors of type typ.
func (svc *Service) text(typ string) (string, bool) {
	if svc == nil {
		return "", false
	}
	t, ok := svc.Texts[typ]
	return t, ok
}

// served lists the target prefixes of the registered services.
func (s *Server) served() string {
	names := make([]string, 0, len(s.services))
	for p := range s.services {
		names = append(names, p)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// validContentType reports whether the request's content type is one the
// target service (or, without a known service, any service) takes.
func (s *Server) validContentType(rq *request) bool {
	ok := func(svc *Service) bool {
		return rq.contentType == svc.ContentType || rq.contentType == jsonDeprecated ||
			(rq.contentType == cborContentType && svc.CBOR != nil)
	}
	if rq.svc != nil {
		return ok(rq.svc)
	}
	for _, svc := range s.services {
		if ok(svc) {
			return true
		}
	}
	return false
}

// isJSONObject reports whether body is one well-formed JSON object; unless
// full, only its outline is looked at. A known operation parses its body
// anyway (the type check before authentication, or the handler's decoder,
// which also answers SerializationException), and a full check here would
// be a second pass over the largest bodies.
func isJSONObject(body []byte, full bool) bool {
	b := bytes.TrimSpace(body)
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return false
	}
	return !full || json.Valid(b)
}

// writeXMLDenied answers what AWS answers a request it cannot route: 403
// with an XML body, MissingAuthenticationTokenException when unsigned.
func writeXMLDenied(w http.ResponseWriter, hasAuth, cors bool) string {
	if cors {
		w.Header().Set("Access-Control-Expose-Headers", "x-amz-request-id, x-amz-id-2")
	}
	typ, msg := "AccessDeniedException", msgAccessDenied
	if !hasAuth {
		typ, msg = MissingAuthenticationTokenException, msgMissingToken
	}
	body := "<" + typ + ">\n  <Message>" + msg + "</Message>\n</" + typ + ">\n"
	w.Header()["Content-Type"] = nil // AWS sends none; nil stops net/http from sniffing one
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusForbidden)
	_, _ = io.WriteString(w, body)
	return typ
}

// writeDeprecated answers an application/json request as AWS does: 200,
// with the error inside an Output envelope.
func writeDeprecated(w http.ResponseWriter, typ, key string) string {
	body := `{"Output":{"__type":"com.amazon.coral.service#` + typ + `","` + key + `":null},"Version":"1.0"}`
	w.Header().Set("Content-Type", jsonDeprecated)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, body)
	return typ
}

// fail writes err: an *Error as is, anything else as InternalFailure
// (logged; the client sees no internal text).
func (s *Server) fail(w http.ResponseWriter, rq *request, err error) string {
	var ae *Error
	if !errors.As(err, &ae) {
		s.log.Error("request failed", "service", rq.svcName, "operation", rq.op, "request", w.Header().Get("x-amzn-RequestId"), "err", err)
		ae = &Error{Type: InternalFailure, Status: http.StatusInternalServerError}
	}
	return s.writeError(w, rq, ae)
}

func (s *Server) writeResult(w http.ResponseWriter, rq *request, result any) string {
	var body []byte
	switch res := result.(type) {
	case nil:
	case Raw:
		body = res
	default:
		var err error
		if body, err = json.Marshal(result); err != nil {
			s.log.Error("encode response", "service", rq.svcName, "operation", rq.op, "err", err)
			return s.writeError(w, rq, &Error{Type: InternalFailure, Status: http.StatusInternalServerError})
		}
	}
	ct := rq.svc.ContentType
	if rq.cbor {
		ct = cborContentType
		if len(body) > 0 {
			var err error
			if body, err = rq.svc.CBOR.fromJSON(body, rq.op); err != nil {
				s.log.Error("encode CBOR response", "service", rq.svcName, "operation", rq.op, "err", err)
				return s.writeError(w, rq, &Error{Type: InternalFailure, Status: http.StatusInternalServerError})
			}
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if _, err := w.Write(body); err != nil {
		s.log.Warn("write response", "service", rq.svcName, "operation", rq.op, "bytes", len(body), "err", err)
	}
	return "OK"
}

func (s *Server) getBuf() *bytes.Buffer {
	if b, ok := s.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

// writeError writes e in the request's protocol: JSON (or CBOR) with
// "__type" and, when there is one, the message under e's key.
func (s *Server) writeError(w http.ResponseWriter, rq *request, e *Error) string {
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	typ := e.Type
	if rq.svc != nil && rq.svc.ErrorType != nil {
		typ = rq.svc.ErrorType(typ)
	}
	if text, ok := rq.svc.text(e.Type); ok {
		e = &Error{Type: e.Type, Message: text, Status: e.Status, Extra: e.Extra, MessageKey: e.MessageKey}
	}
	ct := rq.contentType
	if ct == "" || ct == jsonDeprecated {
		ct = "application/x-amz-json-1.1"
		if rq.svc != nil {
			ct = rq.svc.ContentType
		}
	}
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	var body []byte
	if rq.cbor {
		body = cborError(typ, e.messageKey(), e.Message)
	} else {
		body = jsonError(typ, e.messageKey(), e.Message)
		if len(e.Extra) > 0 {
			// Members beside __type and the message (DynamoDB's
			// CancellationReasons, Item).
			m := make(map[string]any, len(e.Extra)+2)
			for k, v := range e.Extra {
				m[k] = v
			}
			m["__type"] = typ
			if e.Message != "" {
				m[e.messageKey()] = e.Message
			}
			body, _ = json.Marshal(m)
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return e.Type
}

func jsonError(typ, key, msg string) []byte {
	b := append([]byte(`{"__type":`), strconv.Quote(typ)...)
	if msg != "" {
		mb, _ := json.Marshal(msg)
		b = append(append(append(append(b, ',', '"'), key...), '"', ':'), mb...)
	}
	return append(b, '}')
}

// Decode unmarshals a request body into v; malformed JSON, or JSON of the
// wrong shape, is a SerializationException. An empty body decodes as {}.
func Decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return serialization(typeMessage(te))
		}
		return serialization("")
	}
	return nil
}

// typeMessage words a JSON type mismatch found by encoding/json as AWS
// words it, for inputs without a Shape.
func typeMessage(te *json.UnmarshalTypeError) string {
	switch te.Value {
	case "array":
		return "Start of list found where not expected"
	case "object":
		return "Start of structure or map found where not expected."
	case "string":
		switch te.Type.Kind().String() {
		case "slice":
			return "Expected list or null"
		case "map":
			return "Expected map or null"
		case "struct":
			return "Expected null"
		}
		return "class java.lang.String can not be converted to an Integer"
	case "bool":
		return "class java.lang.Boolean can not be converted to an String"
	}
	return bigNumber + " can not be converted to an String"
}
