package streamlog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestConsumersAndAttributesPersist registers and deregisters consumers,
// sets the recorded attributes (shard-level metrics, policy, record size,
// warm throughput), checks the limits and refusals, and that everything
// survives a reopen.
func TestConsumersAndAttributesPersist(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := newClock()
	o := Options{Now: clk.now, TransitionDelay: time.Second}
	l := openLog(t, dir, o)
	if err := l.Create(ctx, "s", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	c, err := l.RegisterConsumer(ctx, "s", "app", nil)
	if err != nil || c.Status != ConsumerCreating || c.Name != "app" {
		t.Fatalf("register: %+v %v, want app CREATING", c, err)
	}
	if _, err := l.RegisterConsumer(ctx, "s", "app", nil); !errors.Is(err, ErrConsumerExists) {
		t.Fatalf("register twice: %v, want ErrConsumerExists", err)
	}
	for i := 1; i < MaxCreatingConsumers; i++ {
		if _, err := l.RegisterConsumer(ctx, "s", fmt.Sprint("c", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.RegisterConsumer(ctx, "s", "sixth", nil); !errors.Is(err, ErrLimitExceeded) {
		t.Fatalf("sixth CREATING consumer: %v, want ErrLimitExceeded", err)
	}
	for i := MaxCreatingConsumers; i < MaxConsumers; i++ {
		clk.advance(time.Second)
		if _, err := l.RegisterConsumer(ctx, "s", fmt.Sprint("c", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	clk.advance(time.Second)
	if _, err := l.RegisterConsumer(ctx, "s", "twentyfirst", nil); !errors.Is(err, ErrLimitExceeded) {
		t.Fatalf("21st consumer: %v, want ErrLimitExceeded", err)
	}
	if err := l.DeregisterConsumer(ctx, "s", "app", c.Created.Unix()+1); !errors.Is(err, ErrConsumerNotFound) {
		t.Fatalf("deregister another registration: %v, want ErrConsumerNotFound", err)
	}
	if err := l.DeregisterConsumer(ctx, "s", "app", c.Created.Unix()); err != nil {
		t.Fatal(err)
	}
	if err := l.DeregisterConsumer(ctx, "s", "app", 0); !errors.Is(err, ErrConsumerNotFound) {
		t.Fatalf("deregister twice: %v, want ErrConsumerNotFound", err)
	}
	policy := `{"Statement":[]}`
	if err := l.UpdateConsumer(ctx, "s", "c1", 0, map[string]string{"team": "a", "x": "y"}, []string{"x"}, &policy); err != nil {
		t.Fatal(err)
	}
	if err := l.UpdateConsumer(ctx, "s", "gone", 0, nil, nil, nil); !errors.Is(err, ErrConsumerNotFound) {
		t.Fatalf("update an unknown consumer: %v", err)
	}
	if _, _, err := l.SetShardLevelMetrics(ctx, "s", []string{"IncomingBytes", "ALL"}, true); err != nil {
		t.Fatal(err)
	}
	before, after, err := l.SetShardLevelMetrics(ctx, "s", []string{"ALL", "OutgoingBytes"}, false)
	if err != nil || !slices.Equal(before, []string{"ALL", "IncomingBytes"}) || !slices.Equal(after, []string{"IncomingBytes"}) {
		t.Fatalf("disable metrics: %v %v %v", before, after, err)
	}
	if err := l.SetPolicy(ctx, "s", `{"Version":"2012-10-17"}`); err != nil {
		t.Fatal(err)
	}
	if err := l.SetWarmThroughput(ctx, "s", 100); err != nil {
		t.Fatal(err)
	}
	if err := l.SetMaxRecordSize(ctx, "s", 2048); err != nil {
		t.Fatal(err)
	}
	if err := l.SetMaxRecordSize(ctx, "s", 4096); !errors.Is(err, ErrStreamBusy) {
		t.Fatalf("set record size while UPDATING: %v, want ErrStreamBusy", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l = openLog(t, dir, o)
	defer func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	}()
	info, err := l.Describe(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Consumers) != MaxConsumers-1 || info.Consumers[0].Name != "c1" || info.Consumers[0].Status != ConsumerActive ||
		len(info.Consumers[0].Tags) != 1 || info.Consumers[0].Tags["team"] != "a" || info.Consumers[0].Policy != `{"Statement":[]}` {
		t.Fatalf("consumers after reopen: %+v", info.Consumers)
	}
	if !slices.Equal(info.ShardLevelMetrics, []string{"IncomingBytes"}) || info.Policy != `{"Version":"2012-10-17"}` ||
		info.MaxRecordSizeKiB != 2048 || info.WarmThroughputMiBps != 100 {
		t.Fatalf("attributes after reopen: %+v", info)
	}
	if err := l.DeregisterAllConsumers(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if info, _ := l.Describe(ctx, "s"); len(info.Consumers) != 0 {
		t.Fatalf("consumers after deregistering all: %+v", info.Consumers)
	}
	if err := l.Create(ctx, "t", CreateOptions{ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	if info, _ := l.Describe(ctx, "t"); info.MaxRecordSizeKiB != DefaultMaxRecordSizeKiB {
		t.Fatalf("default record size %d", info.MaxRecordSizeKiB)
	}
}
