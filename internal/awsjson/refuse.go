package awsjson

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// ThrottlingException is AWS's common error for a request denied by
// throttling (the AWS SDKs retry it with backoff).
const ThrottlingException = "ThrottlingException"

// RefuseConn answers a connection the server will not serve because it
// holds too many already: it reads the client's request head and writes
// HTTP 503 with a ThrottlingException envelope, then the caller closes c.
// It is the refusal of a connection-limiting listener (internal/connlimit).
func RefuseConn(c net.Conn) {
	if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
		return
	}
	rec := &refusal{h: http.Header{}}
	new(Server).writeError(rec, &request{}, &Error{Type: ThrottlingException, Status: http.StatusServiceUnavailable,
		Message: "Rate exceeded: the server has too many open connections; retry later"})
	var b strings.Builder
	b.WriteString("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n")
	rec.h.Set("Content-Length", strconv.Itoa(len(rec.body)))
	_ = rec.h.Write(&b)
	b.WriteString("\r\n")
	b.Write(rec.body)
	_, _ = c.Write([]byte(b.String()))
}

// refusal is the http.ResponseWriter RefuseConn renders by hand.
type refusal struct {
	h    http.Header
	body []byte
}

func (r *refusal) Header() http.Header { return r.h }

func (r *refusal) Write(b []byte) (int, error) {
	r.body = append(r.body, b...)
	return len(b), nil
}

func (r *refusal) WriteHeader(int) {}
