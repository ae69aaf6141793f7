package streamlog

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Consumer and attribute limits, as Kinesis has them.
const (
	// MaxConsumers is how many consumers one stream may have registered.
	MaxConsumers = 20
	// MaxCreatingConsumers is how many of a stream's consumers may be
	// CREATING at once.
	MaxCreatingConsumers = 5
	// DefaultMaxRecordSizeKiB is a stream's record size limit until
	// SetMaxRecordSize changes it (1 MiB).
	DefaultMaxRecordSizeKiB = 1024
)

// Consumer statuses, as Kinesis reports them.
const (
	ConsumerCreating = "CREATING"
	ConsumerActive   = "ACTIVE"
)

func (c consumerMeta) info(nowMs int64) ConsumerInfo {
	status := ConsumerActive
	if nowMs < c.ActiveMs {
		status = ConsumerCreating
	}
	return ConsumerInfo{Name: c.Name, Created: time.UnixMilli(c.CreatedMs), Status: status, Tags: maps.Clone(c.Tags), Policy: c.Policy}
}

// RegisterConsumer registers a consumer named consumer with the stream,
// durably; it is CREATING for Options.TransitionDelay, then ACTIVE. A name
// already registered is ErrConsumerExists; more than MaxConsumers, or more
// than MaxCreatingConsumers CREATING at once, ErrLimitExceeded.
func (l *Log) RegisterConsumer(ctx context.Context, name, consumer string, tags map[string]string) (ConsumerInfo, error) {
	var out ConsumerInfo
	err := l.mutate(ctx, "register consumer", name, func(st *stream, m *streamMeta, nowMs int64) error {
		creating := 0
		for _, c := range m.Consumers {
			if c.Name == consumer {
				return fmt.Errorf("%w: %s", ErrConsumerExists, consumer)
			}
			if nowMs < c.ActiveMs {
				creating++
			}
		}
		if len(m.Consumers) >= MaxConsumers {
			return fmt.Errorf("%w: stream %s has %d consumers; the limit is %d", ErrLimitExceeded, m.Name, len(m.Consumers), MaxConsumers)
		}
		if creating >= MaxCreatingConsumers {
			return fmt.Errorf("%w: stream %s has %d consumers in CREATING status; the limit is %d", ErrLimitExceeded, m.Name, creating, MaxCreatingConsumers)
		}
		if len(tags) > MaxTags {
			return fmt.Errorf("%w: %d tags: the limit is %d", ErrInvalidArgument, len(tags), MaxTags)
		}
		c := consumerMeta{Name: consumer, CreatedMs: nowMs, ActiveMs: nowMs + l.opts.TransitionDelay.Milliseconds(), Tags: maps.Clone(tags)}
		m.Consumers = append(m.Consumers, c)
		out = c.info(nowMs)
		return nil
	})
	return out, err
}

// DeregisterConsumer removes a registered consumer, durably. When
// createdSec is not zero the consumer must have been created in that Unix
// second (a consumer ARN names one registration); otherwise, or when the
// name is not registered, it is ErrConsumerNotFound.
func (l *Log) DeregisterConsumer(ctx context.Context, name, consumer string, createdSec int64) error {
	return l.mutate(ctx, "deregister consumer", name, func(st *stream, m *streamMeta, nowMs int64) error {
		i := slices.IndexFunc(m.Consumers, func(c consumerMeta) bool {
			return c.Name == consumer && (createdSec == 0 || c.CreatedMs/1000 == createdSec)
		})
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrConsumerNotFound, consumer)
		}
		m.Consumers = slices.Delete(m.Consumers, i, i+1)
		return nil
	})
}

// UpdateConsumer changes a registered consumer's tags and resource
// policy, durably: it adds (or replaces) the tags in add, removes the keys
// in remove, and sets the policy when policy is not nil (an empty one
// removes it). The consumer is named as DeregisterConsumer names it. More
// than MaxTags tags in all is ErrLimitExceeded.
func (l *Log) UpdateConsumer(ctx context.Context, name, consumer string, createdSec int64, add map[string]string, remove []string, policy *string) error {
	return l.mutate(ctx, "update consumer", name, func(st *stream, m *streamMeta, nowMs int64) error {
		i := slices.IndexFunc(m.Consumers, func(c consumerMeta) bool {
			return c.Name == consumer && (createdSec == 0 || c.CreatedMs/1000 == createdSec)
		})
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrConsumerNotFound, consumer)
		}
		c := &m.Consumers[i] // m.Consumers is the writer's own copy
		tags := maps.Clone(c.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		maps.Copy(tags, add)
		for _, k := range remove {
			delete(tags, k)
		}
		if len(tags) > MaxTags {
			return fmt.Errorf("%w: consumer %s would have %d tags; the limit is %d", ErrLimitExceeded, consumer, len(tags), MaxTags)
		}
		c.Tags = tags
		if policy != nil {
			c.Policy = *policy
		}
		return nil
	})
}

// DeregisterAllConsumers removes every consumer of the stream, durably
// (DeleteStream's EnforceConsumerDeletion).
func (l *Log) DeregisterAllConsumers(ctx context.Context, name string) error {
	return l.mutate(ctx, "deregister consumers", name, func(st *stream, m *streamMeta, nowMs int64) error {
		m.Consumers = nil
		return nil
	})
}

// SetShardLevelMetrics enables (or, with enable false, disables) the given
// enhanced monitoring metrics, durably, and returns the metrics enabled
// before and after. The log only records them.
func (l *Log) SetShardLevelMetrics(ctx context.Context, name string, metrics []string, enable bool) (before, after []string, err error) {
	err = l.mutate(ctx, "set shard-level metrics", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if s := m.status(nowMs); s != StatusActive {
			return fmt.Errorf("%w: %s is %s", ErrStreamBusy, m.Name, s)
		}
		before = slices.Clone(m.ShardLevelMetrics)
		set := slices.Clone(m.ShardLevelMetrics)
		for _, x := range metrics {
			i, found := slices.BinarySearch(set, x)
			switch {
			case enable && !found:
				set = slices.Insert(set, i, x)
			case !enable && found:
				set = slices.Delete(set, i, i+1)
			}
		}
		m.ShardLevelMetrics = set
		after = slices.Clone(set)
		return nil
	})
	return before, after, err
}

// SetPolicy sets the stream's resource policy document, durably; an empty
// one removes it.
func (l *Log) SetPolicy(ctx context.Context, name, policy string) error {
	return l.mutate(ctx, "set resource policy", name, func(st *stream, m *streamMeta, nowMs int64) error {
		m.Policy = policy
		return nil
	})
}

// SetMaxRecordSize sets the largest record the stream takes, in KiB,
// durably; the stream must be ACTIVE and is UPDATING for
// Options.TransitionDelay.
func (l *Log) SetMaxRecordSize(ctx context.Context, name string, kib int) error {
	return l.mutate(ctx, "set max record size", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if s := m.status(nowMs); s != StatusActive {
			return fmt.Errorf("%w: %s is %s", ErrStreamBusy, m.Name, s)
		}
		m.MaxRecordSizeKiB = kib
		l.markUpdating(m, nowMs)
		return nil
	})
}

// SetWarmThroughput records the warm throughput asked for the stream, in
// MiB/s, durably; the stream must be ACTIVE.
func (l *Log) SetWarmThroughput(ctx context.Context, name string, mibps int) error {
	return l.mutate(ctx, "set warm throughput", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if s := m.status(nowMs); s != StatusActive {
			return fmt.Errorf("%w: %s is %s", ErrStreamBusy, m.Name, s)
		}
		m.WarmThroughputMiBps = mibps
		return nil
	})
}
