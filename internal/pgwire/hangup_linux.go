package pgwire

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// peerGone reports whether the peer of the socket closed its end (or the
// socket failed), without reading anything: data the client sent ahead
// stays for the next message.
func peerGone(rc syscall.RawConn) bool {
	gone := false
	err := rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
		n, err := unix.Poll(fds, 0)
		gone = err == nil && n > 0 && fds[0].Revents&(unix.POLLRDHUP|unix.POLLHUP|unix.POLLERR) != 0
	})
	return err != nil || gone
}
