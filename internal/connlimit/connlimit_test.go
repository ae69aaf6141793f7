package connlimit

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCapRefusesInProtocolAndFreesSlots: the connection over the cap gets
// the refusal and is closed; once a served one closes, the next is served.
func TestCapRefusesInProtocolAndFreesSlots(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := Wrap(tcp, Options{Name: "test", Max: 2, Refuse: func(c net.Conn) { fmt.Fprint(c, "busy\n") }})
	defer ln.Close()
	served := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprint(c, "hello\n")
			served <- c
		}
	}()
	dial := func() string {
		t.Helper()
		c, err := net.Dial("tcp", tcp.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return line
	}
	if a, b := dial(), dial(); a != "hello\n" || b != "hello\n" {
		t.Fatalf("first two: %q %q", a, b)
	}
	if got := dial(); got != "busy\n" {
		t.Fatalf("third: %q, want the refusal", got)
	}
	if ln.Refused.Load() != 1 {
		t.Errorf("Refused = %d", ln.Refused.Load())
	}
	(<-served).Close()
	if got := dial(); got != "hello\n" {
		t.Fatalf("after a close: %q, want served", got)
	}
}

// flakyListener fails its first accepts with EMFILE, as a process out of
// file descriptors does.
type flakyListener struct {
	net.Listener
	fails int
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.fails > 0 {
		l.fails--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// TestAcceptSurvivesEMFILE: running out of file descriptors delays accept;
// it never ends it (pgwire's loop used to exit the process on it).
func TestAcceptSurvivesEMFILE(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := Wrap(&flakyListener{Listener: tcp, fails: 4}, Options{})
	defer ln.Close()
	go func() {
		if c, err := net.Dial("tcp", tcp.Addr().String()); err == nil {
			defer c.Close()
			time.Sleep(time.Second)
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept: %v, want a connection after the EMFILE errors", err)
	}
	c.Close()
	ln.Close()
	if _, err := ln.Accept(); err == nil {
		t.Fatal("Accept on a closed listener succeeded")
	}
}

// lockedBuffer is a bytes.Buffer for a logger written from several
// goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestRefusalsLoggedAtMostOncePerSecond: a flood of connections over the
// cap is logged as a few lines that count the refusals, not a line each
// (thousands a second filled the log).
func TestRefusalsLoggedAtMostOncePerSecond(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	ln := Wrap(tcp, Options{Name: "test", Max: 1, Refuse: func(c net.Conn) { fmt.Fprint(c, "busy\n") },
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // holds the only slot
		}
	}()
	start := time.Now()
	const flood = 300
	for range flood + 1 {
		c, err := net.Dial("tcp", tcp.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	deadline := time.Now().Add(30 * time.Second)
	for ln.Refused.Load() < flood {
		if time.Now().After(deadline) {
			t.Fatalf("%d refused, want %d", ln.Refused.Load(), flood)
		}
		time.Sleep(time.Millisecond)
	}
	lines := strings.Count(logs.String(), "connections refused")
	if most := 1 + int(time.Since(start)/refuseLogEvery); lines < 1 || lines > most {
		t.Errorf("%d log lines for %d refusals in %v, want 1 to %d:\n%s", lines, flood, time.Since(start), most, logs.String())
	}
	if !strings.Contains(logs.String(), "refused=") {
		t.Errorf("the log does not count the refusals:\n%s", logs.String())
	}
}
