//go:build !linux

package app

// machineMemory is unknown here: DuckDB's own default applies.
func machineMemory() uint64 { return 0 }

// freeDisk is unknown here: DuckDB's own default applies.
func freeDisk(string) uint64 { return 0 }
