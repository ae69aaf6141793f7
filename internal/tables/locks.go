package tables

import (
	"hash/maphash"
	"slices"
)

// lockStripes is the number of key locks. A write locks the stripes of
// the keys it touches, in increasing order, from before it reads until its
// batch is durable.
const lockStripes = 4096

var lockSeed = maphash.MakeSeed()

func stripeOf(key []byte) int { return int(maphash.Bytes(lockSeed, key) % lockStripes) }

// lockKeys locks the stripes of keys (Pebble keys) and returns the
// function that unlocks them.
func (s *Store) lockKeys(keys [][]byte) func() {
	stripes := make([]int, len(keys))
	for i, k := range keys {
		stripes[i] = stripeOf(k)
	}
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)
	for _, i := range stripes {
		s.locks[i].Lock()
	}
	return func() {
		for _, i := range stripes {
			s.locks[i].Unlock()
		}
	}
}

func (s *Store) lockAll() {
	for i := range s.locks {
		s.locks[i].Lock()
	}
}

func (s *Store) unlockAll() {
	for i := range s.locks {
		s.locks[i].Unlock()
	}
}
