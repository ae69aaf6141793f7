package pgwire

import (
	"net"

	"github.com/jackc/pgx/v5/pgproto3"
)

// RefuseConn answers a connection the server will not serve because it
// holds too many already, as Postgres does: it reads the startup message
// (answering 'N' to SSL and GSS encryption requests) and replies FATAL
// 53300 too_many_connections, then the caller closes c. It is the refusal
// of a connection-limiting listener (internal/connlimit).
func RefuseConn(c net.Conn) {
	be := pgproto3.NewBackend(c, c)
	for {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		switch msg.(type) {
		case *pgproto3.SSLRequest, *pgproto3.GSSEncRequest:
			if _, err := c.Write([]byte{'N'}); err != nil {
				return
			}
			continue
		case *pgproto3.CancelRequest:
			return
		}
		break
	}
	// Postgres's own words for it (src/backend/storage/lmgr/proc.c).
	be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: "53300",
		Message: "sorry, too many clients already"})
	_ = be.Flush()
}
