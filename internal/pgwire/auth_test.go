package pgwire_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

func dsn(s *testserver.Server, user, password, sslmode string) string {
	host, port, _ := strings.Cut(s.SQL, ":")
	return fmt.Sprintf("host=%s port=%s user=%s password=%s dbname=dev sslmode=%s", host, port, user, password, sslmode)
}

func TestPasswordAuthentication(t *testing.T) {
	for _, method := range []string{"scram-sha-256", "password"} {
		t.Run(method, func(t *testing.T) {
			s := testserver.Start(t, "--user", "alice:s3cret", "--user", "bob:other", "--sql-auth", method)
			ctx := ctxT(t)
			c, err := pgx.Connect(ctx, dsn(s, "alice", "s3cret", "disable"))
			if err != nil {
				t.Fatalf("right password refused: %v", err)
			}
			var user string
			if err := c.QueryRow(ctx, "select 'ok'").Scan(&user); err != nil {
				t.Fatal(err)
			}
			_ = c.Close(ctx)
			for _, bad := range [][2]string{{"alice", "wrong"}, {"alice", "other"}, {"mallory", "s3cret"}} {
				_, err := pgx.Connect(ctx, dsn(s, bad[0], bad[1], "disable"))
				if pgCode(err) != "28P01" || !strings.Contains(err.Error(), "password authentication failed") {
					t.Errorf("%s/%s: got %v, want FATAL 28P01", bad[0], bad[1], err)
				}
			}
		})
	}
}

func TestPasswordFromEnvironment(t *testing.T) {
	t.Setenv("BLUESHIFT_USERS", "carol:pw1")
	s := testserver.Start(t)
	ctx := ctxT(t)
	if _, err := pgx.Connect(ctx, dsn(s, "carol", "nope", "disable")); pgCode(err) != "28P01" {
		t.Fatalf("wrong password: %v", err)
	}
	c, err := pgx.Connect(ctx, dsn(s, "carol", "pw1", "disable"))
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close(ctx)
}

func TestTLS(t *testing.T) {
	certFile, keyFile := selfSigned(t)
	s := testserver.Start(t, "--tls-cert", certFile, "--tls-key", keyFile)
	ctx := ctxT(t)
	c, err := pgx.Connect(ctx, dsn(s, "alice", "", "require"))
	if err != nil {
		t.Fatalf("TLS connection: %v\n%s", err, s.Logs())
	}
	defer c.Close(ctx)
	if _, ok := c.PgConn().Conn().(interface{ Handshake() error }); !ok {
		t.Fatalf("connection is %T, not TLS", c.PgConn().Conn())
	}
	var n int
	if err := c.QueryRow(ctx, "select 41 + 1").Scan(&n); err != nil || n != 42 {
		t.Fatalf("%d %v", n, err)
	}
	// Without TLS configured, SSLRequest is refused and sslmode=require fails.
	plain := testserver.Start(t)
	if _, err := pgx.Connect(ctx, dsn(plain, "alice", "", "require")); err == nil {
		t.Fatal("sslmode=require succeeded against a server without TLS")
	}
	pc, err := pgx.Connect(ctx, dsn(plain, "alice", "", "prefer"))
	if err != nil {
		t.Fatalf("sslmode=prefer should fall back to plain: %v", err)
	}
	_ = pc.Close(ctx)
}

func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
