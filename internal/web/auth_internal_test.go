package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Without users, only loopback clients are served: a request from another
// address is refused before it reaches the warehouse.
func TestNoUsersLoopbackOnly(t *testing.T) {
	for remote, want := range map[string]bool{
		"127.0.0.1:5000": true, "[::1]:5000": true, "127.9.9.9:1": true,
		"192.168.1.20:5000": false, "[2001:db8::1]:443": false, "garbage": false,
	} {
		if got := loopback(remote); got != want {
			t.Errorf("loopback(%q) = %v", remote, got)
		}
	}
	h := Handler(Options{Engine: EngineFunc(nil)})
	defer h.Close()
	req := httptest.NewRequest("GET", "/api/pipeline", nil)
	req.RemoteAddr = "192.168.1.20:5000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("a remote client without users: %d %s", rec.Code, rec.Body)
	}
	// The page itself loads, and says why the API refuses.
	req = httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "192.168.1.20:5000"
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("the page: %d", rec.Code)
	}
}
