package web

import (
	"context"
	"fmt"
	"time"
)

// The pipeline's first step: the application's DynamoDB-compatible tables,
// each with the Kinesis streams its changes go to (its streaming
// destinations). The API reads them through SourceTables, which the
// application wires to the table store, so this package needs neither the
// store nor the DynamoDB protocol.

// KindDynamoDBTable is a DynamoDB-compatible table, a source of the
// pipeline: its item changes go to the streams of its streaming
// destinations.
const KindDynamoDBTable = "dynamodb_table"

// SourceTables is what the pipeline needs of the DynamoDB-compatible
// tables.
type SourceTables interface {
	// SourceTables lists every table with its figures and destinations.
	SourceTables(ctx context.Context) ([]SourceTable, error)
}

// SourceTablesFunc adapts a function to SourceTables.
type SourceTablesFunc func(ctx context.Context) ([]SourceTable, error)

// SourceTables calls f.
func (f SourceTablesFunc) SourceTables(ctx context.Context) ([]SourceTable, error) { return f(ctx) }

// SourceTable is one DynamoDB-compatible table.
type SourceTable struct {
	Name string
	// Status is the table's status (CREATING, ACTIVE, UPDATING, ...).
	Status string
	// Items and SizeBytes are the table's item count and size.
	Items, SizeBytes int64
	// Writes counts item writes since some start (the server's): only its
	// growth means anything, as writes per second.
	Writes int64
	// Destinations are the table's Kinesis streaming destinations.
	Destinations []StreamingDestination
	// DynamoDBStream is the view type of the table's enabled DynamoDB
	// stream (KEYS_ONLY, NEW_IMAGE, ...); empty when it has none.
	DynamoDBStream string
}

// StreamingDestination is a Kinesis stream a table's changes go to.
type StreamingDestination struct {
	Stream string `json:"stream"`
	// Status is ACTIVE while changes go there (DISABLED after).
	Status string `json:"status"`
}

// destinationActive reports whether changes go to d now.
func destinationActive(d StreamingDestination) bool {
	return d.Status == "ACTIVE" || d.Status == "ENABLING"
}

// addSourceTables adds a node per table, and an edge from it to each
// stream it sends its changes to (a stream missing from the stream log is
// drawn MISSING).
func (a *api) addSourceTables(ctx context.Context, add func(*Node) *Node, edge func(string, string), now time.Time) error {
	if a.opts.Tables == nil {
		return nil
	}
	ts, err := a.opts.Tables.SourceTables(ctx)
	if err != nil {
		return fmt.Errorf("web: pipeline tables: %w", err)
	}
	for _, t := range ts {
		n := add(&Node{ID: KindDynamoDBTable + ":" + t.Name, Kind: KindDynamoDBTable, Name: t.Name, Status: t.Status,
			Items: ptr(t.Items), SizeBytes: ptr(t.SizeBytes), Destinations: []StreamingDestination{}, DynamoDBStream: t.DynamoDBStream})
		n.WritesPerSec = a.rates.rate(n.ID+":writes", float64(t.Writes), now)
		for _, d := range t.Destinations {
			n.Destinations = append(n.Destinations, d)
			if destinationActive(d) {
				s := add(&Node{ID: KindStream + ":" + d.Stream, Kind: KindStream, Name: d.Stream, Status: "MISSING"})
				edge(n.ID, s.ID)
			}
		}
	}
	return nil
}
