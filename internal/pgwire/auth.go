package pgwire

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// Authentication: trust for loopback clients when no users are configured;
// otherwise SCRAM-SHA-256 (RFC 5802/7677, without channel binding) or a
// cleartext password. A failure is FATAL 28P01, the same message for an
// unknown user and a wrong password.

const scramIterations = 4096

// scramKeys are what the server keeps of a password (RFC 5802's StoredKey
// and ServerKey), derived once at startup.
type scramKeys struct {
	salt                 []byte
	storedKey, serverKey []byte
	password             string
}

func newSCRAMKeys(password string) (scramKeys, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return scramKeys{}, fmt.Errorf("pgwire: scram salt: %w", err)
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		return scramKeys{}, fmt.Errorf("pgwire: scram: %w", err)
	}
	clientKey := hmacSum(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	return scramKeys{salt: salt, storedKey: stored[:], serverKey: hmacSum(salted, "Server Key"), password: password}, nil
}

func hmacSum(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

func authFailed(user string) error {
	return &sqlerr.Error{Code: sqlerr.InvalidPassword, Severity: "FATAL",
		Message: fmt.Sprintf("password authentication failed for user %q", user)}
}

func isLoopback(addr net.Addr) bool {
	switch a := addr.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return false
}

// authenticate runs the configured method for user. It returns a FATAL
// *sqlerr.Error when the client must be refused.
func (c *conn) authenticate(user string) error {
	s := c.srv
	if len(s.cfg.Users) == 0 {
		if !isLoopback(c.nc.RemoteAddr()) {
			return &sqlerr.Error{Code: sqlerr.InvalidAuthorizationSpec, Severity: "FATAL",
				Message: "no SQL users are configured: trust authentication is only for loopback clients (set --user)"}
		}
		return nil
	}
	if s.cfg.AuthMethod == AuthPassword {
		return c.authCleartext(user)
	}
	return c.authSCRAM(user)
}

func (c *conn) authCleartext(user string) error {
	if err := c.send(&pgproto3.AuthenticationCleartextPassword{}); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeCleartextPassword); err != nil {
		return err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return err
	}
	pm, ok := msg.(*pgproto3.PasswordMessage)
	if !ok {
		return protocolErr("expected a password message, got %T", msg)
	}
	want, known := c.srv.cfg.Users[user]
	if !known || subtle.ConstantTimeCompare([]byte(pm.Password), []byte(want)) != 1 {
		return authFailed(user)
	}
	return nil
}

func (c *conn) authSCRAM(user string) error {
	keys, known := c.srv.scram[user]
	if !known {
		// Go through the exchange with throwaway keys so that an unknown
		// user looks like a wrong password.
		var err error
		if keys, err = newSCRAMKeys(""); err != nil {
			return err
		}
	}
	if err := c.send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}}); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return err
	}
	init, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok {
		return protocolErr("expected SASLInitialResponse, got %T", msg)
	}
	if init.AuthMechanism != "SCRAM-SHA-256" {
		return protocolErr("unsupported SASL mechanism %q", init.AuthMechanism)
	}
	clientFirst := string(init.Data)
	gs2, bare, err := splitClientFirst(clientFirst)
	if err != nil {
		return err
	}
	clientNonce := attr(bare, 'r')
	if clientNonce == "" {
		return protocolErr("SCRAM client-first-message without a nonce")
	}
	nonceBytes := make([]byte, 18)
	if _, err := rand.Read(nonceBytes); err != nil {
		return err
	}
	nonce := clientNonce + base64.StdEncoding.EncodeToString(nonceBytes)
	serverFirst := fmt.Sprintf("r=%s,s=%s,i=%d", nonce, base64.StdEncoding.EncodeToString(keys.salt), scramIterations)
	if err := c.send(&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)}); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return err
	}
	msg, err = c.be.Receive()
	if err != nil {
		return err
	}
	resp, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return protocolErr("expected SASLResponse, got %T", msg)
	}
	clientFinal := string(resp.Data)
	i := strings.LastIndex(clientFinal, ",p=")
	if i < 0 {
		return protocolErr("SCRAM client-final-message without a proof")
	}
	withoutProof, proofB64 := clientFinal[:i], clientFinal[i+3:]
	if attr(withoutProof, 'r') != nonce {
		return protocolErr("SCRAM nonce mismatch")
	}
	if cb := attr(withoutProof, 'c'); cb != base64.StdEncoding.EncodeToString([]byte(gs2)) {
		return protocolErr("SCRAM channel binding mismatch")
	}
	proof, err := base64.StdEncoding.DecodeString(proofB64)
	if err != nil || len(proof) != sha256.Size {
		return protocolErr("SCRAM proof is malformed")
	}
	authMessage := bare + "," + serverFirst + "," + withoutProof
	clientSig := hmacSum(keys.storedKey, authMessage)
	clientKey := make([]byte, len(proof))
	for i := range proof {
		clientKey[i] = proof[i] ^ clientSig[i]
	}
	got := sha256.Sum256(clientKey)
	if !known || subtle.ConstantTimeCompare(got[:], keys.storedKey) != 1 {
		return authFailed(user)
	}
	serverSig := hmacSum(keys.serverKey, authMessage)
	return c.send(&pgproto3.AuthenticationSASLFinal{Data: []byte("v=" + base64.StdEncoding.EncodeToString(serverSig))})
}

// splitClientFirst separates the GS2 header ("n,," or "y,,") from the bare
// client-first-message.
func splitClientFirst(msg string) (gs2, bare string, err error) {
	if strings.HasPrefix(msg, "p=") {
		return "", "", protocolErr("SCRAM channel binding is not supported")
	}
	if !strings.HasPrefix(msg, "n,") && !strings.HasPrefix(msg, "y,") {
		return "", "", protocolErr("malformed SCRAM client-first-message")
	}
	i := strings.Index(msg[2:], ",")
	if i < 0 {
		return "", "", protocolErr("malformed SCRAM client-first-message")
	}
	return msg[:2+i+1], msg[2+i+1:], nil
}

// attr returns the value of a SCRAM attribute ("r=...") in a comma list.
func attr(msg string, name byte) string {
	for _, part := range strings.Split(msg, ",") {
		if len(part) >= 2 && part[0] == name && part[1] == '=' {
			return part[2:]
		}
	}
	return ""
}

func protocolErr(format string, args ...any) error {
	return &sqlerr.Error{Code: sqlerr.ProtocolViolation, Severity: "FATAL", Message: fmt.Sprintf(format, args...)}
}

var errNoTLS = errors.New("pgwire: TLS is not configured")
