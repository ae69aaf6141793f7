package warehouse

import (
	"context"
	"fmt"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestTxnStates walks the transaction state machine (txn.go) through
// testdata/txn: each "exec" runs a script on a session (session=name, one
// per name) and shows its output, then the session's state, the status
// clients see (ReadyForQuery's I, T or E) and the relations published to
// the change feed since the last step; "duckdb" runs DuckDB SQL as it is.
// Expected results follow Postgres's documented behaviour (BEGIN, COMMIT, ROLLBACK and "Multiple Statements
// in a Simple Query" in the Postgres manual) and Redshift's for procedures
// ("Managing transactions" in the Redshift stored procedure guide).
// Regenerate with go test -rewrite and review the diff.
func TestTxnStates(t *testing.T) {
	datadriven.Walk(t, "testdata/txn", func(t *testing.T, path string) {
		w, err := Open(context.Background(), t.TempDir(), Options{DeferAutoRefresh: true}) // nothing else takes from the feed
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		sessions := map[string]*Session{}
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			name := "a"
			if d.HasArg("session") {
				d.ScanArgs(t, "session", &name)
			}
			s := sessions[name]
			if s == nil {
				s = testSession(t, w)
				sessions[name] = s
			}
			switch d.Cmd {
			case "duckdb":
				// DuckDB SQL on the session's connection, untranslated: a
				// table with a key DuckDB enforces, as one made before
				// keys were informational.
				if _, err := s.conn.Exec(context.Background(), d.Input); err != nil {
					t.Fatalf("%s: %v", d.Pos, err)
				}
				return ""
			case "exec":
				out := schedScript(t, s, d.Input)
				return out + fmt.Sprintf("state %s, status %c, published [%s]\n", s.txn.state, s.TxStatus(), sortedNames(w.ingest.changes.take()))
			}
			t.Fatalf("unknown command %s", d.Cmd)
			return ""
		})
	})
}
