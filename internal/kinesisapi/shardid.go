package kinesisapi

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

// looseShardID is id normalized as normalShardID reads it, or id as given
// when it names no shard number (for positions like ExclusiveStartShardId,
// which need not name an existing shard).
func (a *API) looseShardID(id, stream string) string {
	if id == "" {
		return id
	}
	if n, _, err := a.normalShardID(id, stream); err == nil {
		return n
	}
	return id
}

// normalShardID reads a shard ID as Kinesis does: the digits after the
// first '-' (or the whole ID when it has none), a number from 0 to
// 2^31-1, so "shard-1", "x-1" and "shardId-00000000000000000001" all name
// shardId-000000000001. Anything else is ResourceNotFoundException, before
// the stream is looked up (observed; kinesalite records the same text).
func (a *API) normalShardID(id, stream string) (string, uint32, error) {
	digits := id
	if parts := strings.Split(id, "-"); len(parts) > 1 && parts[1] != "" {
		digits = parts[1]
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || strings.ContainsAny(digits, "+-") || n > 2147483647 {
		return "", 0, awsjson.Errorf(ResourceNotFoundException, "Could not find shard %s in stream %s under account %s.", id, stream, a.account)
	}
	return fmt.Sprintf("shardId-%012d", n), uint32(n), nil
}
