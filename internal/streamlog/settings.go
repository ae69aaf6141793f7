package streamlog

import (
	"context"
	"fmt"
)

// SetMode switches an ACTIVE stream to mode (PROVISIONED or ON_DEMAND),
// durably; the stream is UPDATING for Options.TransitionDelay. Its shards
// stay as they are: an ON_DEMAND stream is not rescaled by load.
func (l *Log) SetMode(ctx context.Context, name, mode string) error {
	if mode != ModeProvisioned && mode != ModeOnDemand {
		return fmt.Errorf("%w: stream mode %q: want PROVISIONED or ON_DEMAND", ErrInvalidArgument, mode)
	}
	return l.mutate(ctx, "set stream mode", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if s := m.status(nowMs); s != StatusActive {
			return fmt.Errorf("%w: %s is %s", ErrStreamBusy, m.Name, s)
		}
		if m.Mode == mode {
			return fmt.Errorf("%w: stream %s is already in %s mode", ErrInvalidArgument, m.Name, mode)
		}
		m.Mode = mode
		l.markUpdating(m, nowMs)
		return nil
	})
}

// SetEncryption records an ACTIVE stream's encryption durably: KMS with
// keyID, or NONE (keyID ignored). The stream is UPDATING for
// Options.TransitionDelay. The log only records the setting: records are
// stored as they were before, not encrypted.
func (l *Log) SetEncryption(ctx context.Context, name, encType, keyID string) error {
	switch {
	case encType == EncryptionKMS && keyID == "":
		return fmt.Errorf("%w: KMS encryption needs a key id", ErrInvalidArgument)
	case encType == EncryptionNone:
		keyID = ""
	case encType != EncryptionKMS:
		return fmt.Errorf("%w: encryption type %q: want KMS or NONE", ErrInvalidArgument, encType)
	}
	return l.mutate(ctx, "set encryption", name, func(st *stream, m *streamMeta, nowMs int64) error {
		if s := m.status(nowMs); s != StatusActive {
			return fmt.Errorf("%w: %s is %s", ErrStreamBusy, m.Name, s)
		}
		m.EncryptionType, m.KeyID = encType, keyID
		if encType == EncryptionNone {
			m.EncryptionType = "" // absent means NONE, as in metadata written before encryption existed
		}
		l.markUpdating(m, nowMs)
		return nil
	})
}

// Usage is what the log's streams hold, for account-level limits.
type Usage struct {
	// OpenShards counts the open shards of every stream.
	OpenShards int
	// OnDemandStreams counts the streams in ON_DEMAND mode.
	OnDemandStreams int
}

// Usage counts the open shards and ON_DEMAND streams of every stream
// (streams being deleted and internal streams are not counted).
func (l *Log) Usage(ctx context.Context) (Usage, error) {
	if err := ctx.Err(); err != nil {
		return Usage{}, err
	}
	var u Usage
	l.mu.RLock()
	defer l.mu.RUnlock()
	for name, st := range l.mu.byName {
		if IsInternal(name) {
			continue
		}
		m := st.meta.Load()
		u.OpenShards += m.openShards()
		if m.Mode == ModeOnDemand {
			u.OnDemandStreams++
		}
	}
	return u, nil
}
