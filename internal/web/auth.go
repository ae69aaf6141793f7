package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"sync"
	"time"
)

// Who is the user a request runs as.
type Who struct {
	User     string `json:"user"`
	ReadOnly bool   `json:"readOnly"`
}

type whoKey struct{}

// sessionCookie names the dashboard's login cookie.
const sessionCookie = "blueshift_session"

// csrfHeader carries the session's CSRF token on every write made with the
// cookie.
const csrfHeader = "X-CSRF-Token"

// sessionTTL is how long a login lasts without use.
const sessionTTL = 12 * time.Hour

type login struct {
	who     Who
	csrf    string
	expires time.Time
}

// logins holds the dashboard's login sessions, by cookie token. They live in
// memory: a restart logs everyone out.
type logins struct {
	mu sync.Mutex
	m  map[string]*login
}

func (l *logins) add(who Who) (token string, s *login) {
	token, s = randomToken(), &login{who: who, csrf: randomToken(), expires: time.Now().Add(sessionTTL)}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*login{}
	}
	for k, v := range l.m { // forget expired logins
		if time.Now().After(v.expires) {
			delete(l.m, k)
		}
	}
	l.m[token] = s
	return token, s
}

func (l *logins) get(token string) *login {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.m[token]
	if s == nil || time.Now().After(s.expires) {
		delete(l.m, token)
		return nil
	}
	s.expires = time.Now().Add(sessionTTL)
	return s
}

func (l *logins) remove(token string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, token)
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}

// authRequired reports whether users are configured.
func (a *api) authRequired() bool { return len(a.opts.Users) > 0 }

// checkPassword compares in constant time.
func (a *api) checkPassword(user, password string) bool {
	want, ok := a.opts.Users[user]
	if !ok {
		want = "\x00no such user" // compare anyway: the time says nothing of which names exist
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(password)) == 1 && ok
}

// authenticate decides who r runs as, or refuses it. With no users
// configured, only loopback clients are served and they run as
// Options.User. With users, a request carries the login cookie (and, on a
// write, the CSRF header) or HTTP basic credentials.
func (a *api) authenticate(r *http.Request) (Who, error) {
	if !a.authRequired() {
		if !loopback(r.RemoteAddr) {
			return Who{}, &httpError{status: http.StatusForbidden, msg: "no users are configured: the dashboard serves this machine (loopback) only; start the server with --user name:password"}
		}
		return Who{User: a.opts.User}, nil
	}
	if user, pw, ok := r.BasicAuth(); ok {
		if !a.checkPassword(user, pw) {
			return Who{}, &httpError{status: http.StatusUnauthorized, msg: "wrong user name or password"}
		}
		return Who{User: user, ReadOnly: a.opts.ReadOnly[user]}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return Who{}, &httpError{status: http.StatusUnauthorized, msg: "log in first (POST /api/login) or send HTTP basic credentials"}
	}
	s := a.logins.get(c.Value)
	if s == nil {
		return Who{}, &httpError{status: http.StatusUnauthorized, msg: "the login has expired: log in again"}
	}
	if unsafeMethod(r.Method) && subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(s.csrf)) != 1 {
		return Who{}, &httpError{status: http.StatusForbidden, msg: "missing or wrong " + csrfHeader + " header (from GET /api/me)"}
	}
	return s.who, nil
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

func loopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// refuseReadOnly is the answer to a read-only user's change.
func refuseReadOnly(who Who) error {
	if who.ReadOnly {
		return &httpError{status: http.StatusForbidden, msg: "user " + who.User + " is read-only"}
	}
	return nil
}

// LoginRequest is POST /api/login's body.
type LoginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// Me is GET /api/me's answer (and POST /api/login's).
type Me struct {
	Who
	// AuthRequired is false when no users are configured (loopback only).
	AuthRequired bool `json:"authRequired"`
	// LoggedIn is false when a login is needed first.
	LoggedIn bool `json:"loggedIn"`
	// CSRF is the token to send in the X-CSRF-Token header on writes.
	CSRF string `json:"csrf,omitempty"`
}

func (a *api) login(w http.ResponseWriter, r *http.Request) error {
	var req LoginRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if !a.authRequired() {
		return badRequest("no users are configured: there is nothing to log in to")
	}
	if !a.checkPassword(req.User, req.Password) {
		return &httpError{status: http.StatusUnauthorized, msg: "wrong user name or password"}
	}
	who := Who{User: req.User, ReadOnly: a.opts.ReadOnly[req.User]}
	token, s := a.logins.add(who)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	writeJSON(w, http.StatusOK, Me{Who: who, AuthRequired: true, LoggedIn: true, CSRF: s.csrf})
	return nil
}

func (a *api) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.logins.remove(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, map[string]any{"loggedIn": false})
	return nil
}

func (a *api) me(w http.ResponseWriter, r *http.Request) error {
	if !a.authRequired() {
		if !loopback(r.RemoteAddr) {
			_, err := a.authenticate(r)
			return err
		}
		writeJSON(w, http.StatusOK, Me{Who: Who{User: a.opts.User}, LoggedIn: true})
		return nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if s := a.logins.get(c.Value); s != nil {
			writeJSON(w, http.StatusOK, Me{Who: s.who, AuthRequired: true, LoggedIn: true, CSRF: s.csrf})
			return nil
		}
	}
	writeJSON(w, http.StatusOK, Me{AuthRequired: true})
	return nil
}
