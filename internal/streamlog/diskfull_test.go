package streamlog

import (
	"context"
	"errors"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// fullFS is a file system whose disk can be made full: while full is set,
// every write and file creation fails with ENOSPC, as the kernel's do, and
// GetDiskUsage reports no free space. A real full disk is made by
// TestPutRecordAfterDiskFull (kinesisapi) on a small tmpfs where the test
// may mount one; this one runs everywhere and makes the write that finds
// the disk full a WAL write, the case Pebble cannot survive by itself.
type fullFS struct {
	vfs.FS
	full atomic.Bool
}

func (fs *fullFS) enospc(op, name string) error {
	return &vfsPathError{op: op, name: name}
}

// vfsPathError is an ENOSPC as *os.PathError carries it.
type vfsPathError struct{ op, name string }

func (e *vfsPathError) Error() string { return e.op + " " + e.name + ": no space left on device" }
func (e *vfsPathError) Unwrap() error { return syscall.ENOSPC }

func (fs *fullFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	if fs.full.Load() {
		return nil, fs.enospc("open", name)
	}
	f, err := fs.FS.Create(name, c)
	if err != nil {
		return nil, err
	}
	return &fullFile{File: f, fs: fs, name: name}, nil
}

func (fs *fullFS) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	if fs.full.Load() {
		return nil, fs.enospc("open", newname)
	}
	f, err := fs.FS.ReuseForWrite(oldname, newname, c)
	if err != nil {
		return nil, err
	}
	return &fullFile{File: f, fs: fs, name: newname}, nil
}

func (fs *fullFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := fs.FS.OpenReadWrite(name, c, opts...)
	if err != nil {
		return nil, err
	}
	return &fullFile{File: f, fs: fs, name: name}, nil
}

func (fs *fullFS) GetDiskUsage(string) (vfs.DiskUsage, error) {
	if fs.full.Load() {
		return vfs.DiskUsage{TotalBytes: 1 << 30, UsedBytes: 1 << 30}, nil
	}
	return vfs.DiskUsage{TotalBytes: 1 << 30, AvailBytes: 1 << 29, UsedBytes: 1 << 29}, nil
}

type fullFile struct {
	vfs.File
	fs   *fullFS
	name string
}

func (f *fullFile) Write(p []byte) (int, error) {
	if f.fs.full.Load() {
		return 0, f.fs.enospc("write", f.name)
	}
	return f.File.Write(p)
}

func (f *fullFile) WriteAt(p []byte, off int64) (int, error) {
	if f.fs.full.Load() {
		return 0, f.fs.enospc("write", f.name)
	}
	return f.File.WriteAt(p, off)
}

// After the disk fills up, the write that found it full waits (neither
// acknowledged nor lost), new writes are refused at once with ErrDiskFull
// and Err reports it; once space is freed the waiting write completes, Err
// is nil again and writes go on, without a restart. Every acknowledged
// record is there exactly once, also after a reopen. Before, the first
// failed commit made the log refuse every write until a restart.
func TestDiskFullRecovers(t *testing.T) {
	ctx := context.Background()
	fs := &fullFS{FS: vfs.NewMem()}
	l := openLog(t, "/db", Options{FS: fs})
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, "s", 1, "before")

	fs.full.Store(true)
	waiting := make(chan error, 1)
	go func() {
		out := make([]Appended, 1)
		waiting <- l.Append(ctx, "s", []Entry{{PartitionKey: []byte("k"), Data: []byte("during")}}, out)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !errors.Is(l.Err(), ErrDiskFull) {
		if time.Now().After(deadline) {
			t.Fatalf("Err() = %v 30 s after the disk filled, want ErrDiskFull", l.Err())
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-waiting:
		t.Fatalf("the append that found the disk full returned %v while the disk is still full", err)
	default:
	}
	out := make([]Appended, 1)
	if err := l.Append(ctx, "s", []Entry{{PartitionKey: []byte("k"), Data: []byte("refused")}}, out); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("append while the disk is full: %v, want ErrDiskFull", err)
	}

	fs.full.Store(false)
	select {
	case err := <-waiting:
		if err != nil {
			t.Fatalf("the append that waited for space: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the append that waited for space did not return 30 s after space was freed")
	}
	for l.Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("Err() = %v after space was freed", l.Err())
		}
		time.Sleep(10 * time.Millisecond)
	}
	appendN(t, l, "s", 1, "after")

	want := []string{"before-0", "during", "after-0"}
	check := func(l *Log, when string) {
		recs, _ := readAll(t, l, "s", ShardID(0), 0)
		var got []string
		for _, r := range recs {
			got = append(got, string(r.Data))
		}
		if len(got) != len(want) {
			t.Fatalf("%s: records %q, want %q", when, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: records %q, want %q", when, got, want)
			}
		}
	}
	check(l, "after space was freed")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, "/db", Options{FS: fs})
	defer l.Close()
	check(l, "after a reopen")
}
