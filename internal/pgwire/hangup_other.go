//go:build !linux

package pgwire

import "syscall"

// peerGone cannot tell without reading on this system: a statement whose
// client went away runs to its end (or until writing its rows fails).
func peerGone(syscall.RawConn) bool { return false }
