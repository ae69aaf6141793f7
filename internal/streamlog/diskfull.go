package streamlog

import (
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// ErrDiskFull: the disk under the log is full. Writes are refused (none of
// them is made, so a client may retry it safely) until the disk has
// Options.ResumeFreeBytes free again; the log then accepts them by itself.
var ErrDiskFull = errors.New("the disk is full: the stream log refuses writes until space is freed")

// Defaults of the disk-full handling.
const (
	defaultResumeFreeBytes = 16 << 20
	diskFullPoll           = 250 * time.Millisecond
)

// A full disk is handled below Pebble, in its file system: every write
// (Write, WriteAt, Create, Rename, ...) that fails with ENOSPC waits in
// onDiskFull until the disk has room again, and is then retried once, from
// the byte where it stopped (vfs.OnDiskFull). Pebble itself treats a failed
// WAL write as the end of the database (it panics at the next WAL rotation),
// so a failed write must never reach it: waiting keeps the commit that hit
// the full disk pending, neither lost nor acknowledged, and it completes
// when space is back, exactly once. While the disk is full the log refuses
// new writes at once with ErrDiskFull (Err reports it), so callers are not
// left waiting.
//
// A failed fsync is not retried: after one the kernel may have dropped the
// data it could not write, and a second fsync would report success over
// the loss. That (EIO from a failing disk; ENOSPC from fsync on file
// systems that allocate late) still stops writes until a restart.

// diskFullFS wraps fs so that writes that find the disk full wait for space.
func (l *Log) diskFullFS(fs vfs.FS) vfs.FS {
	return vfs.OnDiskFull(fs, func() { l.waitForSpace(fs) })
}

// waitForSpace marks the log full and waits until the disk under it has
// ResumeFreeBytes free (or the log closes). Pebble's writes wait meanwhile.
func (l *Log) waitForSpace(fs vfs.FS) {
	if !l.open.Load() {
		// Opening: fail now (Open reports the full disk) rather than
		// keep the process from starting.
		return
	}
	need := uint64(l.opts.ResumeFreeBytes)
	l.mu.Lock()
	l.mu.diskFull = true
	l.mu.Unlock()
	l.m.diskFull.Set(1)
	l.log.Error("disk full: the stream log refuses writes until space is freed", "dir", l.dir, "resume_free_bytes", need)
	start := time.Now()
	t := time.NewTicker(diskFullPoll)
	defer t.Stop()
	for {
		u, err := fs.GetDiskUsage(l.dir)
		if err == nil && u.AvailBytes >= need {
			break
		}
		select {
		case <-l.quit:
			// Closing: the waiting write fails and Close reports it.
			l.log.Warn("closing with the disk full", "dir", l.dir)
			return
		case <-t.C:
		}
	}
	l.mu.Lock()
	l.mu.diskFull = false
	l.mu.Unlock()
	l.m.diskFull.Set(0)
	l.log.Info("disk space is back: the stream log accepts writes again", "dir", l.dir, "full_for", time.Since(start).Round(time.Millisecond))
}

// refusal is why the log refuses a write now, or nil.
func (l *Log) refusal() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.mu.failed != nil {
		return l.mu.failed
	}
	if l.mu.diskFull {
		return fmt.Errorf("streamlog: %w (%s)", ErrDiskFull, l.dir)
	}
	return nil
}
