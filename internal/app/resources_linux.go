//go:build linux

package app

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// machineMemory is the memory this process may use: the machine's RAM, or
// its cgroup's memory.max when that is lower (a container). 0 when unknown.
func machineMemory() uint64 {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil {
		return 0
	}
	total := uint64(si.Totalram) * uint64(si.Unit)
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < total {
			total = n
		}
	}
	return total
}

// freeDisk is the space free for this process on dir's file system; 0 when
// unknown.
func freeDisk(dir string) uint64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return st.Bavail * uint64(st.Bsize)
}
