// Package testserver starts the blueshift binary for tests, the way users
// start it (`blueshift serve` with flags), on any free ports, and reads back
// the addresses it bound. It can kill the process with SIGKILL and restart it
// on the same data directory, for crash tests.
package testserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/config"
)

// Server is a running blueshift process.
type Server struct {
	// Dir is the data directory; it survives Kill and Restart.
	Dir string
	// AWS, SQL and HTTP are the bound host:port addresses.
	AWS, SQL, HTTP string
	// Args are extra flags given to serve.
	Args []string

	t    testing.TB
	cmd  *exec.Cmd
	done chan struct{}
	logs *logBuffer
}

// logBuffer holds what the process prints. exec copies the process's output
// into it from a goroutine of its own while tests read it (Logs, failure
// messages), so every access holds mu.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary returns the path of a blueshift binary: $BLUESHIFT_BIN when set (the
// Makefile sets it to the one it built), otherwise one built once per test
// process from the module the tests run in. That build goes to one path per
// module in the system's temp directory, replaced atomically by each test
// process (running servers keep the file they started), so test runs do
// not leave a binary behind each.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("BLUESHIFT_BIN"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	buildOnce.Do(func() { binPath, buildErr = build() })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// build builds ./cmd/blueshift of the current module to its shared path.
func build() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("blueshift-testbin-%d-%x", os.Getuid(), sha256.Sum256([]byte(root)))[:64])
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	_ = tmp.Close()
	defer os.Remove(tmp.Name()) // gone after the rename; left only by a failed build
	cmd := exec.Command("go", "build", "-o", tmp.Name(), "./cmd/blueshift")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	bin := filepath.Join(dir, "blueshift")
	if err := os.Rename(tmp.Name(), bin); err != nil {
		return "", err
	}
	return bin, nil
}

// Start runs `blueshift serve` on a new data directory with every address on
// port 0, and waits until it listens. The process is stopped at test cleanup.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	s := &Server{Dir: t.TempDir(), Args: args, t: t}
	s.start()
	t.Cleanup(func() { s.Stop() })
	return s
}

func (s *Server) start() {
	t := s.t
	t.Helper()
	addrFile := filepath.Join(s.Dir, "addrs")
	_ = os.Remove(addrFile)
	args := append([]string{"serve", "--data", s.Dir,
		"--aws-addr", "127.0.0.1:0", "--sql-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
		"--addr-file", addrFile}, s.Args...)
	s.logs = &logBuffer{}
	cmd := exec.Command(Binary(t), args...)
	cmd.Stdout = s.logs
	cmd.Stderr = s.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start blueshift: %v", err)
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.done) }()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(addrFile); err == nil {
			s.parseAddrs(b)
			return
		}
		select {
		case <-s.done:
			// It may have listened and then died (a crash the test
			// injected): then the addresses were written.
			if b, err := os.ReadFile(addrFile); err == nil {
				s.parseAddrs(b)
				return
			}
			t.Fatalf("blueshift exited before listening: %v\n%s", cmd.ProcessState, s.logs)
		case <-ctx.Done():
			t.Fatalf("blueshift did not listen within 60s\n%s", s.logs)
		case <-tick.C:
		}
	}
}

func (s *Server) parseAddrs(b []byte) {
	addrs := config.ParseAddrFile(b)
	s.AWS, s.SQL, s.HTTP = addrs["aws"], addrs["sql"], addrs["http"]
}

// PID returns the running process's id (0 when it is not running), for
// benchmarks that read its CPU time.
func (s *Server) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Logs returns what the process has printed so far.
func (s *Server) Logs() string { return s.logs.String() }

// Kill sends SIGKILL and waits for the process to end: a crash.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	s.cmd = nil
	s.checkRaces()
}

// checkRaces fails the test when a race-enabled server reported a data race.
func (s *Server) checkRaces() {
	if strings.Contains(s.logs.String(), "WARNING: DATA RACE") {
		s.t.Errorf("the server reported a data race:\n%s", s.logs)
	}
}

// Stop sends SIGTERM and waits for a graceful exit; it kills after 30s.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.t.Errorf("blueshift did not stop within 30s after SIGTERM\n%s", s.logs)
		s.Kill()
		return
	}
	s.cmd = nil
	s.checkRaces()
}

// Restart starts the process again on the same data directory (after Kill or Stop).
func (s *Server) Restart() {
	s.t.Helper()
	if s.cmd != nil {
		s.Stop()
	}
	s.start()
}
