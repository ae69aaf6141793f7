package streamlog

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/blueshift-dev/blueshift/internal/obs"
)

// TestModeAndEncryptionPersist switches a stream's mode and encryption,
// checks the transitions and refusals, that both survive a reopen, and that
// metadata written before encryption existed (no encryption fields) reads
// as NONE.
func TestModeAndEncryptionPersist(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := newClock()
	o := Options{Now: clk.now, TransitionDelay: time.Second, OnDemandShards: 3}
	l := openLog(t, dir, o)
	if err := l.Create(ctx, "p", CreateOptions{ShardCount: 2}); err != nil {
		t.Fatal(err)
	}
	if err := l.Create(ctx, "d", CreateOptions{Mode: ModeOnDemand}); err != nil {
		t.Fatal(err)
	}
	if err := l.SetMode(ctx, "p", ModeOnDemand); !errors.Is(err, ErrStreamBusy) {
		t.Fatalf("set mode while CREATING: %v, want ErrStreamBusy", err)
	}
	clk.advance(time.Second)
	if err := l.SetMode(ctx, "p", ModeProvisioned); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("set mode to the current mode: %v, want ErrInvalidArgument", err)
	}
	if err := l.SetMode(ctx, "p", "AUTO"); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("set mode AUTO: %v, want ErrInvalidArgument", err)
	}
	if err := l.SetMode(ctx, "nope", ModeOnDemand); !errors.Is(err, ErrStreamNotFound) {
		t.Fatalf("set mode of a missing stream: %v, want ErrStreamNotFound", err)
	}
	if err := l.SetMode(ctx, "p", ModeOnDemand); err != nil {
		t.Fatal(err)
	}
	info, err := l.Describe(ctx, "p")
	if err != nil || info.Mode != ModeOnDemand || info.Status != StatusUpdating || info.OpenShards != 2 {
		t.Fatalf("after set mode: %v %s %s %d shards, want ON_DEMAND UPDATING 2", err, info.Mode, info.Status, info.OpenShards)
	}
	if err := l.SetEncryption(ctx, "p", EncryptionKMS, "alias/aws/kinesis"); !errors.Is(err, ErrStreamBusy) {
		t.Fatalf("set encryption while UPDATING: %v, want ErrStreamBusy", err)
	}
	clk.advance(time.Second)
	if err := l.SetEncryption(ctx, "p", EncryptionKMS, ""); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("KMS without a key: %v, want ErrInvalidArgument", err)
	}
	if err := l.SetEncryption(ctx, "p", EncryptionKMS, "alias/aws/kinesis"); err != nil {
		t.Fatal(err)
	}
	u, err := l.Usage(ctx)
	if err != nil || u != (Usage{OpenShards: 5, OnDemandStreams: 2}) {
		t.Fatalf("usage: %v %+v, want 5 open shards, 2 on-demand streams", err, u)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l = openLog(t, dir, o)
	info, err = l.Describe(ctx, "p")
	if err != nil || info.Mode != ModeOnDemand || info.EncryptionType != EncryptionKMS || info.KeyID != "alias/aws/kinesis" {
		t.Fatalf("after reopen: %v mode %s encryption %s key %q", err, info.Mode, info.EncryptionType, info.KeyID)
	}
	d, err := l.Describe(ctx, "d")
	if err != nil || d.EncryptionType != EncryptionNone || d.KeyID != "" {
		t.Fatalf("unencrypted stream: %v encryption %q key %q", err, d.EncryptionType, d.KeyID)
	}
	st, err := l.lookup("p")
	if err != nil {
		t.Fatal(err)
	}
	id := st.id
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	// Metadata as a version without encryption wrote it reads as NONE.
	db, err := pebble.Open(dir, &pebble.Options{Logger: pebbleLogger{obs.Logger(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	v, closer, err := db.Get(idKey(prefixMeta, id))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(v, &raw); err != nil {
		t.Fatal(err)
	}
	_ = closer.Close()
	if raw["encryption_type"] != EncryptionKMS || raw["key_id"] != "alias/aws/kinesis" {
		t.Fatalf("stored metadata: encryption_type %v key_id %v", raw["encryption_type"], raw["key_id"])
	}
	delete(raw, "encryption_type")
	delete(raw, "key_id")
	meta, _ := json.Marshal(raw)
	if err := db.Set(idKey(prefixMeta, id), meta, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, dir, o)
	defer l.Close()
	info, err = l.Describe(ctx, "p")
	if err != nil || info.EncryptionType != EncryptionNone || info.Mode != ModeOnDemand {
		t.Fatalf("older metadata: %v encryption %s mode %s", err, info.EncryptionType, info.Mode)
	}
	// Stopping encryption reports NONE again.
	clk.advance(time.Second)
	if err := l.SetEncryption(ctx, "p", EncryptionKMS, "k"); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Second)
	if err := l.SetEncryption(ctx, "p", EncryptionNone, "k"); err != nil {
		t.Fatal(err)
	}
	if info, _ := l.Describe(ctx, "p"); info.EncryptionType != EncryptionNone || info.KeyID != "" {
		t.Fatalf("after stop: encryption %s key %q", info.EncryptionType, info.KeyID)
	}
}
