package pgwire

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// maxMessage bounds a frontend message body; larger ones close the connection.
const maxMessage = 64 << 20

// startupTimeout bounds the startup and authentication exchange.
const startupTimeout = 30 * time.Second

// conn is one client connection. Its goroutine owns every field except the
// ones under mu and the atomics, which shutdown and cancel requests touch.
type conn struct {
	srv    *Server
	nc     net.Conn
	be     *pgproto3.Backend
	w      *bufio.Writer
	buf    []byte // scratch for encoding messages
	pid    uint32
	secret []byte

	sess    Session
	loc     *time.Location
	stmts   map[string]*statement
	portals map[string]*portal
	// skipping is set after an error in an extended-protocol exchange: the
	// messages up to the next Sync are discarded.
	skipping bool

	draining atomic.Bool
	mu       sync.Mutex // guards sess for cancel
}

type statement struct {
	st        *warehouse.Statement
	paramOIDs []uint32
}

type portal struct {
	stmt    *statement
	params  []any
	formats []int16 // result column formats as bound
	res     *warehouse.Result
	done    bool
}

func (s *Server) serveConn(ctx context.Context, nc net.Conn) {
	s.m.accepted.Inc()
	c := &conn{srv: s, nc: nc, stmts: map[string]*statement{}, portals: map[string]*portal{}}
	defer func() { _ = c.nc.Close() }()
	defer func() {
		// A bug reached by one client's input ends that client only.
		if r := recover(); r != nil {
			s.log.Error("connection panic", "remote", nc.RemoteAddr().String(), "panic", r, "stack", string(debug.Stack()))
			c.fail(&sqlerr.Error{Code: sqlerr.InternalError, Severity: "FATAL", Message: fmt.Sprintf("internal error: %v", r)})
		}
	}()
	_ = nc.SetDeadline(time.Now().Add(startupTimeout))
	ok, err := c.startup(ctx)
	s.forgetStarting(nc) // from here a shutdown drains it (register) instead of closing it
	if err != nil {
		c.fail(err)
		s.log.Debug("startup failed", "remote", nc.RemoteAddr().String(), "err", err)
		return
	}
	if !ok {
		return
	}
	_ = c.nc.SetDeadline(time.Time{})
	defer c.closeSession()
	s.register(c)
	defer s.unregister(c)
	if ctx.Err() != nil {
		c.drain()
	}
	if err := c.loop(ctx); err != nil && !errors.Is(err, errTerminate) {
		c.fail(err)
	}
}

func (c *conn) closeSession() {
	for _, p := range c.portals {
		if p.res != nil {
			_ = p.res.Close()
		}
	}
	for _, st := range c.stmts {
		st.st.Close()
	}
	c.mu.Lock()
	sess := c.sess
	c.mu.Unlock()
	if sess != nil {
		_ = sess.Close()
	}
}

// drain asks the connection to end: at once when idle, after its statement
// when busy.
func (c *conn) drain() {
	c.draining.Store(true)
	_ = c.nc.SetReadDeadline(time.Now())
}

// cancel interrupts the running statement.
func (c *conn) cancel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess != nil {
		c.sess.Cancel()
	}
}

// startup handles SSL negotiation, cancel requests, the startup message and
// authentication. ok is false for a connection that was only a cancel request.
func (c *conn) startup(ctx context.Context) (ok bool, err error) {
	c.be = pgproto3.NewBackend(c.nc, c.nc)
	c.w = bufio.NewWriterSize(c.nc, 64<<10)
	tlsDone := false
	for {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			return false, protocolErr("startup: %v", err)
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if c.srv.cfg.TLS == nil || tlsDone {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return false, err
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return false, err
			}
			tc := tls.Server(c.nc, c.srv.cfg.TLS)
			if err := tc.HandshakeContext(ctx); err != nil {
				return false, err
			}
			tlsDone = true
			c.nc = tc
			c.be = pgproto3.NewBackend(tc, tc)
			c.w = bufio.NewWriterSize(tc, 64<<10)
		case *pgproto3.GSSEncRequest:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false, err
			}
		case *pgproto3.CancelRequest:
			c.srv.cancelRequest(m.ProcessID, m.SecretKey)
			return false, nil
		case *pgproto3.StartupMessage:
			return true, c.open(ctx, m)
		default:
			return false, protocolErr("unexpected startup message %T", msg)
		}
	}
}

func (c *conn) open(ctx context.Context, m *pgproto3.StartupMessage) error {
	if m.ProtocolVersion != pgproto3.ProtocolVersion30 {
		// Offer 3.0, the version this server speaks.
		if err := c.send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0}); err != nil {
			return err
		}
	}
	user := m.Parameters["user"]
	if user == "" {
		return &sqlerr.Error{Code: sqlerr.InvalidAuthorizationSpec, Severity: "FATAL", Message: "no user name in the startup message"}
	}
	if err := c.authenticate(user); err != nil {
		if _, ok := sqlerr.As(err); ok {
			c.srv.m.authFail.Inc()
		}
		return err
	}
	sess, err := c.srv.engine.NewSession(context.WithoutCancel(ctx), user, m.Parameters["database"])
	if err != nil {
		if e, ok := sqlerr.As(err); ok {
			e2 := *e
			e2.Severity = "FATAL"
			return &e2
		}
		return err
	}
	c.mu.Lock()
	c.sess = sess
	c.mu.Unlock()
	c.loc = sess.Location()
	sess.SetNoticeHandler(func(n warehouse.Notice) { _ = c.send(noticeMessage(n)) })
	for k, v := range m.Parameters {
		switch k {
		case "application_name", "DateStyle", "extra_float_digits", "search_path", "TimeZone", "client_encoding":
			_ = v // accepted; the warehouse keeps its own defaults for these
		}
	}
	if err := c.send(&pgproto3.AuthenticationOk{}); err != nil {
		return err
	}
	for _, p := range [][2]string{
		{"server_version", setting(sess, "server_version")},
		{"server_encoding", "UTF8"},
		{"client_encoding", "UTF8"},
		{"DateStyle", "ISO, MDY"},
		{"TimeZone", setting(sess, "timezone")},
		{"IntervalStyle", "postgres"},
		{"integer_datetimes", "on"},
		{"standard_conforming_strings", "on"},
		{"is_superuser", "on"},
		{"session_authorization", user},
		{"application_name", m.Parameters["application_name"]},
	} {
		if err := c.send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]}); err != nil {
			return err
		}
	}
	c.pid, c.secret = newKey()
	if err := c.send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret}); err != nil {
		return err
	}
	return c.ready()
}

func setting(s Session, name string) string {
	v, _ := s.Setting(name)
	return v
}

// loop reads and answers messages until the client leaves or shutdown.
func (c *conn) loop(ctx context.Context) error {
	c.be.SetMaxBodyLen(maxMessage)
	qctx := context.WithoutCancel(ctx)
	for {
		if c.draining.Load() {
			return shutdownErr()
		}
		msg, err := c.be.Receive()
		if err != nil {
			if c.draining.Load() {
				return shutdownErr()
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) {
				return errTerminate
			}
			c.srv.m.protoErr.Inc()
			return protocolErr("invalid message: %v", err)
		}
		if err := c.handle(qctx, msg); err != nil {
			return err
		}
	}
}

func shutdownErr() error {
	return &sqlerr.Error{Code: sqlerr.AdminShutdown, Severity: "FATAL", Message: "terminating connection due to administrator command"}
}

// handle answers one message. A returned error ends the connection.
func (c *conn) handle(ctx context.Context, msg pgproto3.FrontendMessage) error {
	if c.skipping {
		switch msg.(type) {
		case *pgproto3.Sync:
			c.skipping = false
		case *pgproto3.Terminate:
			return errTerminate
		default:
			return nil
		}
	}
	switch msg.(type) {
	case *pgproto3.Query, *pgproto3.Parse, *pgproto3.Execute:
		// These run statements (Parse plans one): a client that goes
		// away meanwhile cancels it.
		defer c.watchHangup()()
	}
	switch m := msg.(type) {
	case *pgproto3.Query:
		return c.simpleQuery(ctx, m.String)
	case *pgproto3.Parse:
		return c.parse(ctx, m)
	case *pgproto3.Bind:
		return c.bind(m)
	case *pgproto3.Describe:
		return c.describe(m)
	case *pgproto3.Execute:
		return c.execute(ctx, m)
	case *pgproto3.Close:
		return c.closeMsg(m)
	case *pgproto3.Sync:
		if c.sess.TxStatus() == warehouse.TxIdle {
			c.closePortals()
		}
		return c.ready()
	case *pgproto3.Flush:
		return c.flush()
	case *pgproto3.Terminate:
		return errTerminate
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		return nil // outside COPY: ignored, as Postgres does
	case *pgproto3.FunctionCall:
		return c.extError(sqlerr.New(sqlerr.FeatureNotSupported, "the function call protocol is not supported"))
	}
	c.srv.m.protoErr.Inc()
	return protocolErr("unexpected message %T", msg)
}

// send encodes a message into the write buffer.
func (c *conn) send(msg pgproto3.BackendMessage) error {
	var err error
	c.buf, err = msg.Encode(c.buf[:0])
	if err != nil {
		return err
	}
	_, err = c.w.Write(c.buf)
	return err
}

func (c *conn) flush() error { return c.w.Flush() }

// ready sends ReadyForQuery with the transaction state and flushes.
func (c *conn) ready() error {
	status := byte('I')
	if c.sess != nil {
		status = byte(c.sess.TxStatus())
		c.loc = c.sess.Location()
	}
	if err := c.send(&pgproto3.ReadyForQuery{TxStatus: status}); err != nil {
		return err
	}
	return c.flush()
}

// fail sends a final error (FATAL) and flushes, ignoring write errors: the
// connection is closing.
func (c *conn) fail(err error) {
	if errors.Is(err, errTerminate) || c.w == nil {
		return
	}
	e := errorMessage(err)
	if e.Severity == "ERROR" {
		e.Severity, e.SeverityUnlocalized = "FATAL", "FATAL"
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	_ = c.send(e)
	_ = c.flush()
}

// sendError sends an ErrorResponse for a statement's failure.
func (c *conn) sendError(err error) error {
	return c.send(errorMessage(err))
}

// extError reports an error in the extended protocol and skips to Sync.
func (c *conn) extError(err error) error {
	c.skipping = true
	return c.sendError(err)
}

func errorMessage(err error) *pgproto3.ErrorResponse {
	e, ok := sqlerr.As(err)
	if !ok {
		e = &sqlerr.Error{Code: sqlerr.InternalError, Message: err.Error()}
	}
	sev := e.Severity
	if sev == "" {
		sev = "ERROR"
	}
	return &pgproto3.ErrorResponse{Severity: sev, SeverityUnlocalized: sev, Code: string(e.Code),
		Message: e.Message, Detail: e.Detail, Hint: e.Hint, Position: int32(e.Position)}
}

func noticeMessage(n warehouse.Notice) *pgproto3.NoticeResponse {
	code := n.Code
	if code == "" {
		code = "00000"
	}
	return &pgproto3.NoticeResponse{Severity: n.Severity, SeverityUnlocalized: n.Severity, Code: code,
		Message: n.Message, Detail: n.Detail, Hint: n.Hint}
}

// rowDescription describes columns with the given formats (nil: all text).
func rowDescription(cols []warehouse.Column, formats []int16) *pgproto3.RowDescription {
	rd := &pgproto3.RowDescription{Fields: make([]pgproto3.FieldDescription, len(cols))}
	for i, col := range cols {
		oid, size, mod := typeInfo(col.Type)
		rd.Fields[i] = pgproto3.FieldDescription{Name: []byte(col.Name), DataTypeOID: oid,
			DataTypeSize: size, TypeModifier: mod, Format: formatOf(formats, i)}
	}
	return rd
}

// formatOf reads a Bind format list: none means text, one applies to all.
func formatOf(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return 0
	case 1:
		return formats[0]
	}
	if i < len(formats) {
		return formats[i]
	}
	return 0
}

// writeRow encodes the current row of res as a DataRow.
func (c *conn) writeRow(res *warehouse.Result, formats []int16) error {
	vals := res.Values()
	b := append(c.buf[:0], 'D', 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(vals)))
	for i, v := range vals {
		if v == nil {
			b = binary.BigEndian.AppendUint32(b, 0xFFFFFFFF)
			continue
		}
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		k := res.Columns[i].Type.Kind
		if formatOf(formats, i) == 1 {
			var err error
			if b, err = appendBinary(b, v, k); err != nil {
				return sqlerr.Wrap(sqlerr.InternalError, err, "column %q", res.Columns[i].Name)
			}
		} else {
			b = appendText(b, v, k, c.loc)
		}
		binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	}
	binary.BigEndian.PutUint32(b[1:], uint32(len(b)-1))
	c.buf = b
	_, err := c.w.Write(b)
	return err
}

func (c *conn) sendNotices(ns []warehouse.Notice) error {
	for _, n := range ns {
		if err := c.send(noticeMessage(n)); err != nil {
			return err
		}
	}
	return nil
}
