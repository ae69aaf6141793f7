package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/blueshift-dev/blueshift/internal/obs"
)

// Handler runs one operation on a request body and returns the result to
// encode as JSON (a Raw result is written as is), or an error (an *Error
// goes to the client as is; anything else is an InternalFailure).
type Handler func(ctx context.Context, body []byte) (any, error)

// Raw is a result that is already JSON.
type Raw []byte

// Service is one AWS JSON service: its target prefix and operations.
type Service struct {
	// Prefix is the part of X-Amz-Target before the dot, e.g. "Kinesis_20131202".
	Prefix string
	// ContentType is the response content type, e.g. "application/x-amz-json-1.1".
	ContentType string
	// Operations maps operation names to handlers.
	Operations map[string]Handler
}

// Server dispatches AWS JSON requests to registered services. Register
// every service before serving.
type Server struct {
	// MaxBody bounds a request body; zero means 16 MiB.
	MaxBody int64

	log      *slog.Logger
	services map[string]*Service
	reqs     *prometheus.CounterVec
	dur      *prometheus.HistogramVec
	bufs     sync.Pool
	reqID    atomic.Uint64
}

// NewServer returns a server that logs to log and registers its metrics
// with reg (both may be nil).
func NewServer(log *slog.Logger, reg prometheus.Registerer) *Server {
	s := &Server{
		log:      obs.Logger(log).With("component", "awsjson"),
		services: map[string]*Service{},
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

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	svcName, opName := "", ""
	id := strconv.FormatUint(s.reqID.Add(1), 36)
	w.Header().Set("x-amzn-RequestId", id)
	result, err := func() (any, error) {
		if r.Method != http.MethodPost {
			return nil, &Error{Type: UnknownOperationException, Message: "AWS JSON APIs take POST requests", Status: http.StatusMethodNotAllowed}
		}
		target := r.Header.Get("X-Amz-Target")
		prefix, op, ok := strings.Cut(target, ".")
		if !ok {
			return nil, Errorf(UnknownOperationException, "missing or malformed X-Amz-Target header %q", target)
		}
		svc := s.services[prefix]
		if svc == nil {
			return nil, Errorf(UnknownOperationException, "unknown service %q", prefix)
		}
		w.Header().Set("Content-Type", svc.ContentType)
		svcName = prefix
		h := svc.Operations[op]
		if h == nil {
			return nil, Errorf(UnknownOperationException, "unknown operation %q", op)
		}
		opName = op
		buf := s.getBuf()
		defer s.bufs.Put(buf)
		limit := s.MaxBody
		if limit <= 0 {
			limit = 16 << 20
		}
		if r.ContentLength > limit {
			return nil, &Error{Type: RequestEntityTooLarge, Message: "request body larger than " + strconv.FormatInt(limit, 10) + " bytes", Status: http.StatusRequestEntityTooLarge}
		}
		if r.ContentLength > 0 {
			buf.Grow(int(r.ContentLength))
		}
		n, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1))
		if err != nil {
			return nil, Errorf(SerializationException, "reading request body: %v", err)
		}
		if n > limit {
			return nil, &Error{Type: RequestEntityTooLarge, Message: "request body larger than " + strconv.FormatInt(limit, 10) + " bytes", Status: http.StatusRequestEntityTooLarge}
		}
		ctx := r.Context()
		if key, _, ok := ParseAuthorization(r.Header.Get("Authorization")); ok {
			ctx = context.WithValue(ctx, ctxKey{}, key)
		}
		return h(ctx, buf.Bytes())
	}()
	code := "OK"
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			s.log.Error("request failed", "service", svcName, "operation", opName, "request", id, "err", err)
			ae = &Error{Type: InternalFailure, Message: err.Error(), Status: http.StatusInternalServerError}
		}
		code = ae.Type
		writeError(w, ae)
	} else {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		}
		var body []byte
		if raw, ok := result.(Raw); ok {
			body = raw
		} else if body, err = json.Marshal(result); err != nil {
			s.log.Error("encode response", "service", svcName, "operation", opName, "err", err)
			code = InternalFailure
			writeError(w, &Error{Type: InternalFailure, Message: "encoding the response failed", Status: http.StatusInternalServerError})
		}
		if err == nil {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			if _, err := w.Write(body); err != nil {
				s.log.Warn("write response", "service", svcName, "operation", opName, "request", id, "bytes", len(body), "err", err)
			}
		}
	}
	s.reqs.WithLabelValues(svcName, opName, code).Inc()
	s.dur.WithLabelValues(svcName, opName).Observe(time.Since(start).Seconds())
}

func (s *Server) getBuf() *bytes.Buffer {
	if b, ok := s.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

func writeError(w http.ResponseWriter, e *Error) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	}
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Type, e.Message})
	if len(e.Extra) > 0 {
		m := make(map[string]any, len(e.Extra)+2)
		for k, v := range e.Extra {
			m[k] = v
		}
		m["__type"], m["message"] = e.Type, e.Message
		body, _ = json.Marshal(m)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Decode unmarshals a request body into v; malformed JSON, or JSON of the
// wrong shape, is a SerializationException. An empty body decodes as {}.
func Decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return Errorf(SerializationException, "malformed request body: %v", err)
	}
	return nil
}
