package pgwire

import (
	"context"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

// simpleQuery runs a script: each statement gets its RowDescription, rows
// and CommandComplete; the first error ends the script; ReadyForQuery closes it.
func (c *conn) simpleQuery(ctx context.Context, script string) error {
	rs := c.sess.Execute(ctx, script, nil)
	defer rs.Close()
	if rs.Empty() {
		if err := c.send(&pgproto3.EmptyQueryResponse{}); err != nil {
			return err
		}
		return c.ready()
	}
	for rs.Next() {
		res := rs.Result()
		if err := c.sendNotices(res.Notices); err != nil {
			return err
		}
		if res.Copy != nil {
			if err := c.copy(ctx, res); err != nil {
				if _, ok := sqlerr.As(err); !ok {
					return err
				}
				if err := c.sendError(err); err != nil {
					return err
				}
				break
			}
			continue
		}
		if res.Columns != nil {
			if err := c.send(rowDescription(res.Columns, nil)); err != nil {
				return err
			}
		}
		stmtErr, err := c.streamRows(res, nil, 0)
		if err != nil {
			return err
		}
		if stmtErr != nil {
			if err := c.sendError(stmtErr); err != nil {
				return err
			}
			break
		}
		if err := c.send(&pgproto3.CommandComplete{CommandTag: []byte(res.Tag())}); err != nil {
			return err
		}
	}
	if err := rs.Err(); err != nil {
		if err := c.sendError(err); err != nil {
			return err
		}
	}
	return c.ready()
}

// streamRows writes up to limit rows (0: all) of res. stmtErr is the
// statement's failure (sent to the client as an ErrorResponse); err is a
// connection failure. more reports that the limit stopped it.
func (c *conn) streamRows(res *warehouse.Result, formats []int16, limit uint32) (stmtErr, err error) {
	_, stmtErr, err = c.streamRowsN(res, formats, limit)
	return stmtErr, err
}

func (c *conn) streamRowsN(res *warehouse.Result, formats []int16, limit uint32) (more bool, stmtErr, err error) {
	var n uint32
	for {
		if limit > 0 && n >= limit {
			return true, nil, nil
		}
		if !res.Next() {
			break
		}
		n++
		if err := c.writeRow(res, formats); err != nil {
			if _, ok := sqlerr.As(err); ok {
				_ = res.Close()
				return false, err, nil
			}
			return false, nil, err
		}
	}
	if err := res.Err(); err != nil {
		return false, err, nil
	}
	return false, nil, nil
}

func (c *conn) parse(ctx context.Context, m *pgproto3.Parse) error {
	if m.Name != "" {
		if _, ok := c.stmts[m.Name]; ok {
			return c.extError(sqlerr.New("42P05", "prepared statement %q already exists", m.Name))
		}
	}
	st, err := c.sess.Prepare(ctx, m.Query, paramTypeNames(m.ParameterOIDs)...) // arrays.go
	if err != nil {
		return c.extError(err)
	}
	if old, ok := c.stmts[m.Name]; ok {
		old.st.Close()
	}
	c.stmts[m.Name] = &statement{st: st, paramOIDs: append([]uint32(nil), m.ParameterOIDs...)}
	return c.send(&pgproto3.ParseComplete{})
}

// paramOIDs are the parameter types: the client's where it gave them,
// DuckDB's otherwise.
func (s *statement) oids() []uint32 {
	n := max(len(s.st.Params), len(s.paramOIDs))
	oids := make([]uint32, n)
	for i := range oids {
		if i < len(s.paramOIDs) && s.paramOIDs[i] != 0 {
			oids[i] = s.paramOIDs[i]
		} else if i < len(s.st.Params) {
			oids[i] = paramOID(s.st.Params[i])
		} else {
			oids[i] = oidUnknown
		}
	}
	return oids
}

func (c *conn) bind(m *pgproto3.Bind) error {
	st, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return c.extError(sqlerr.New(sqlerr.InvalidSQLStatementName, "prepared statement %q does not exist", m.PreparedStatement))
	}
	oids := st.oids()
	if len(m.Parameters) != len(oids) {
		return c.extError(sqlerr.New(sqlerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement %q requires %d",
			len(m.Parameters), m.PreparedStatement, len(oids)))
	}
	if len(m.ParameterFormatCodes) > 1 && len(m.ParameterFormatCodes) != len(m.Parameters) {
		return c.extError(sqlerr.New(sqlerr.ProtocolViolation, "bind message has %d parameter formats but %d parameters",
			len(m.ParameterFormatCodes), len(m.Parameters)))
	}
	params := make([]any, len(m.Parameters))
	for i, raw := range m.Parameters {
		v, err := decodeParam(raw, formatOf(m.ParameterFormatCodes, i), oids[i])
		if err != nil {
			return c.extError(sqlerr.Wrap(sqlerr.InvalidBinaryRepresentation, err, "parameter $%d", i+1))
		}
		params[i] = v
	}
	for _, f := range m.ResultFormatCodes {
		if f != 0 && f != 1 {
			return c.extError(sqlerr.New(sqlerr.ProtocolViolation, "unsupported format code: %d", f))
		}
	}
	if old, ok := c.portals[m.DestinationPortal]; ok {
		if m.DestinationPortal != "" {
			return c.extError(sqlerr.New("42P03", "portal %q already exists", m.DestinationPortal))
		}
		if old.res != nil {
			_ = old.res.Close()
		}
	}
	c.portals[m.DestinationPortal] = &portal{stmt: st, params: params,
		formats: append([]int16(nil), m.ResultFormatCodes...)}
	return c.send(&pgproto3.BindComplete{})
}

func (c *conn) describe(m *pgproto3.Describe) error {
	switch m.ObjectType {
	case 'S':
		st, ok := c.stmts[m.Name]
		if !ok {
			return c.extError(sqlerr.New(sqlerr.InvalidSQLStatementName, "prepared statement %q does not exist", m.Name))
		}
		if err := c.send(&pgproto3.ParameterDescription{ParameterOIDs: st.oids()}); err != nil {
			return err
		}
		if st.st.Columns == nil {
			return c.send(&pgproto3.NoData{})
		}
		return c.send(rowDescription(st.st.Columns, nil))
	case 'P':
		p, ok := c.portals[m.Name]
		if !ok {
			// A cursor DECLAREd by name is a portal too, as in Postgres
			// (psycopg's named cursors describe it before fetching).
			if cols, ok := c.sess.CursorColumns(context.Background(), m.Name); ok {
				return c.send(rowDescription(cols, nil))
			}
			return c.extError(sqlerr.New(sqlerr.InvalidCursorName, "portal %q does not exist", m.Name))
		}
		if p.stmt.st.Columns == nil {
			return c.send(&pgproto3.NoData{})
		}
		return c.send(rowDescription(p.stmt.st.Columns, p.formats))
	}
	c.srv.m.protoErr.Inc()
	return protocolErr("invalid Describe target %q", m.ObjectType)
}

func (c *conn) execute(ctx context.Context, m *pgproto3.Execute) error {
	p, ok := c.portals[m.Portal]
	if !ok {
		return c.extError(sqlerr.New(sqlerr.InvalidCursorName, "portal %q does not exist", m.Portal))
	}
	if p.stmt.st.Empty() {
		return c.send(&pgproto3.EmptyQueryResponse{})
	}
	if p.done {
		// A finished portal returns nothing more.
		return c.send(&pgproto3.CommandComplete{CommandTag: []byte(p.res.Tag())})
	}
	if p.res == nil {
		res, err := c.sess.Run(ctx, p.stmt.st, p.params)
		if err != nil {
			return c.extError(err)
		}
		p.res = res
		if err := c.sendNotices(res.Notices); err != nil {
			return err
		}
		if res.Copy != nil {
			p.done = true
			if err := c.copy(ctx, res); err != nil {
				if _, ok := sqlerr.As(err); ok {
					return c.extError(err)
				}
				return err
			}
			return nil
		}
	} else {
		p.res.Resume() // statement_timeout times each Execute
	}
	more, stmtErr, err := c.streamRowsN(p.res, p.formats, m.MaxRows)
	if err != nil {
		return err
	}
	if stmtErr != nil {
		p.done = true
		return c.extError(stmtErr)
	}
	if more {
		return c.send(&pgproto3.PortalSuspended{})
	}
	p.done = true
	return c.send(&pgproto3.CommandComplete{CommandTag: []byte(p.res.Tag())})
}

func (c *conn) closeMsg(m *pgproto3.Close) error {
	switch m.ObjectType {
	case 'S':
		if st, ok := c.stmts[m.Name]; ok {
			st.st.Close()
			delete(c.stmts, m.Name)
		}
	case 'P':
		if p, ok := c.portals[m.Name]; ok {
			if p.res != nil {
				_ = p.res.Close()
			}
			delete(c.portals, m.Name)
		}
	default:
		c.srv.m.protoErr.Inc()
		return protocolErr("invalid Close target %q", m.ObjectType)
	}
	return c.send(&pgproto3.CloseComplete{})
}

// closePortals drops every portal: portals live until their transaction ends.
func (c *conn) closePortals() {
	for name, p := range c.portals {
		if p.res != nil {
			_ = p.res.Close()
		}
		delete(c.portals, name)
	}
}
