package dynamoapi

// StreamSpecification on CreateTable and UpdateTable, and the table's
// LatestStreamArn and LatestStreamLabel.
//
// Behavior: StreamEnabled true with a StreamViewType (KEYS_ONLY,
// NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES) gives the table a DynamoDB
// stream, read through the DynamoDB Streams API (streams_*.go); every
// change an acknowledged write makes has exactly one record in it,
// committed in the same batch as the write. UpdateTable with
// StreamEnabled false disables it (its records stay readable); enabling
// again makes a new stream with a new label. DescribeTable shows the
// specification and the newest stream's ARN and label. Enabling a stream
// on a table that has one, or disabling one on a table that has none,
// is a ValidationException with DynamoDB's text.
//
// Deviations: the stream is ENABLED at once (DynamoDB says ENABLING for a
// moment); deleting the table deletes its streams and their records
// (DynamoDB keeps them readable for 24 hours); the text for a missing
// StreamViewType is ours.

import (
	"context"
	"encoding/json"

	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

type streamSpec struct {
	StreamEnabled  *bool   `json:"StreamEnabled"`
	StreamViewType *string `json:"StreamViewType,omitempty"`
}

// parseStreamSpec decodes and checks a StreamSpecification; nil when absent.
func parseStreamSpec(raw json.RawMessage) (*streamSpec, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var sp streamSpec
	if err := decode(raw, &sp); err != nil {
		return nil, err
	}
	var c constraints
	if sp.StreamEnabled == nil {
		c.add(nil, "streamSpecification.streamEnabled", "Member must not be null")
	}
	checkEnum(&c, sp.StreamViewType, "streamSpecification.streamViewType", capture.ViewNewImage, capture.ViewOldImage, capture.ViewNewAndOldImages, capture.ViewKeysOnly)
	if err := c.err(); err != nil {
		return nil, err
	}
	if *sp.StreamEnabled && sp.StreamViewType == nil {
		return nil, invalidParam("StreamViewType is required when StreamEnabled is true")
	}
	if !*sp.StreamEnabled && sp.StreamViewType != nil {
		return nil, invalidParam("StreamViewType cannot be specified when StreamEnabled is false")
	}
	return &sp, nil
}

// specJSON is the StreamSpecification DescribeTable shows.
func specJSON(sp streamSpec) json.RawMessage {
	b, _ := json.Marshal(sp)
	return b
}

// createStream gives t (about to be created) its stream when sp enables
// one, and returns a function that drops it again if the table is not
// created.
func (a *API) createStream(ctx context.Context, t *tables.Table, sp *streamSpec) (undo func(), err error) {
	if sp == nil {
		return func() {}, nil
	}
	t.Stream = specJSON(*sp)
	if !*sp.StreamEnabled || a.streams == nil {
		return func() {}, nil
	}
	st, err := a.streams.New(ctx, t, *sp.StreamViewType)
	if err != nil {
		return nil, err
	}
	capture.SetTableStreams(t, []capture.Stream{st})
	return func() {
		if err := a.streams.Drop(context.WithoutCancel(ctx), st); err != nil {
			a.log.Warn("drop stream of a table not created", "table", t.Name, "err", err)
		}
	}, nil
}

// prepareStreamUpdate makes, ahead of UpdateTable's change to the
// definition, the new stream sp enables (nil when it enables none).
func (a *API) prepareStreamUpdate(ctx context.Context, name string, sp *streamSpec) (*capture.Stream, error) {
	if sp == nil || !*sp.StreamEnabled || a.streams == nil {
		return nil, nil
	}
	t, err := a.st.Table(name)
	if err != nil {
		return nil, err
	}
	if _, on := capture.EnabledStream(t); on {
		return nil, validation("Table already has an enabled stream: TableName: %s", name)
	}
	st, err := a.streams.New(ctx, t, *sp.StreamViewType)
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// updateStream applies sp to t inside UpdateTable: adds the prepared
// stream, or disables the enabled one.
func (a *API) updateStream(t *tables.Table, sp *streamSpec, prepared *capture.Stream, nowMs int64) error {
	if sp == nil {
		return nil
	}
	if a.streams == nil {
		t.Stream = specJSON(*sp)
		return nil
	}
	ss := capture.TableStreams(t)
	_, on := capture.EnabledStream(t)
	switch {
	case *sp.StreamEnabled && on:
		return validation("Table already has an enabled stream: TableName: %s", t.Name)
	case *sp.StreamEnabled:
		ss = append(ss, *prepared)
	case !on:
		return validation("Table has no stream to disable: TableName: %s", t.Name)
	default:
		ss[len(ss)-1].DisabledMs = nowMs
	}
	capture.SetTableStreams(t, ss)
	t.Stream = specJSON(*sp)
	return nil
}

// dropStreams deletes the streams of a deleted table.
func (a *API) dropStreams(ctx context.Context, t *tables.Table) {
	if a.streams == nil {
		return
	}
	if err := a.streams.Drop(context.WithoutCancel(ctx), capture.TableStreams(t)...); err != nil {
		a.log.Warn("drop streams of a deleted table", "table", t.Name, "err", err)
	}
}

// streamARN is the ARN of a table's stream.
func (a *API) streamARN(table string, st capture.Stream) string {
	return a.tableARN(table) + "/stream/" + st.Label
}
