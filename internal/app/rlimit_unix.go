//go:build unix

package app

import (
	"log/slog"
	"syscall"
)

// raiseFileLimit raises the soft limit on open files to the hard limit:
// every connection, stream-log file and DuckDB file takes one, and the
// default soft limit (often 1024) is far below what the connection caps
// allow.
func raiseFileLimit(log *slog.Logger) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		log.Warn("read the open-file limit", "err", err)
		return
	}
	if lim.Cur >= lim.Max {
		return
	}
	old := lim.Cur
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		log.Warn("raise the open-file limit", "from", old, "to", lim.Max, "err", err)
		return
	}
	log.Info("open-file limit raised", "from", old, "to", lim.Max)
}
