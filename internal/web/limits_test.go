package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestQueryBodyTooLarge: a query body over 1 MiB is answered 413 (Request
// Entity Too Large, RFC 9110 15.5.14), not cut short and answered as
// malformed; one just under the limit runs.
func TestQueryBodyTooLarge(t *testing.T) {
	srv := testserver.Start(t)
	pad := func(n int) string { return sqlBody("select 1 /*" + strings.Repeat("x", n) + "*/") }
	code, out := call(t, srv, "POST", "/api/query", pad(1<<20))
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MiB of SQL: %d %v, want 413", code, out)
	}
	if code, out := call(t, srv, "POST", "/api/query", pad(1<<20-100)); code != http.StatusOK {
		t.Errorf("just under 1 MiB: %d %v, want 200", code, out)
	}
}
