package dynamoapi

// EnableKinesisStreamingDestination, DisableKinesisStreamingDestination,
// DescribeKinesisStreamingDestination, UpdateKinesisStreamingDestination.
//
// Behavior: a table streams its item-level changes to a Kinesis stream of
// this server (named by its ARN) in DynamoDB's record format (package
// capture): every acknowledged write that changes an item has exactly one
// record, appended in the same atomic batch as the write, in the key's
// commit order; a write that changes nothing has none. The Enable
// response says ENABLING and the destination is ACTIVE from then on;
// Disable says DISABLING, then DISABLED. ApproximateCreationDateTime is in
// MILLISECOND (the default) or MICROSECOND precision
// (EnableKinesisStreamingConfiguration / UpdateKinesisStreamingConfiguration).
//
// Deviations: the stream must be one of this server's; the error texts
// for a missing stream, a destination enabled twice or not enabled are
// ours; records for a stream deleted later are dropped (DynamoDB marks
// the destination failed).

import (
	"context"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

type streamingConfig struct {
	ApproximateCreationDateTimePrecision *string `json:"ApproximateCreationDateTimePrecision,omitempty"`
}

type streamingInput struct {
	TableName                           *string          `json:"TableName"`
	StreamArn                           *string          `json:"StreamArn"`
	EnableKinesisStreamingConfiguration *streamingConfig `json:"EnableKinesisStreamingConfiguration"`
	UpdateKinesisStreamingConfiguration *streamingConfig `json:"UpdateKinesisStreamingConfiguration"`
}

type streamingOutput struct {
	TableName                           string           `json:"TableName"`
	StreamArn                           string           `json:"StreamArn"`
	DestinationStatus                   string           `json:"DestinationStatus"`
	EnableKinesisStreamingConfiguration *streamingConfig `json:"EnableKinesisStreamingConfiguration,omitempty"`
	UpdateKinesisStreamingConfiguration *streamingConfig `json:"UpdateKinesisStreamingConfiguration,omitempty"`
}

// streamingRequest decodes and checks a request naming a table and a
// stream ARN, and returns the table name and the stream's name.
func (a *API) streamingRequest(body []byte, in *streamingInput) (string, string, error) {
	if err := decode(body, in); err != nil {
		return "", "", err
	}
	var c constraints
	checkTableName(&c, in.TableName, "tableName")
	if in.StreamArn == nil { // the model requires it; this guards callers that skip its checks
		c.add(nil, "streamArn", "Member must not be null")
	}
	if err := c.err(); err != nil {
		return "", "", err
	}
	i := strings.Index(*in.StreamArn, ":stream/")
	if !strings.HasPrefix(*in.StreamArn, "arn:") || !strings.Contains(*in.StreamArn, ":kinesis:") || i < 0 {
		return "", "", validation("Invalid StreamArn: %s", *in.StreamArn)
	}
	return tableNameOf(*in.TableName), (*in.StreamArn)[i+len(":stream/"):], nil
}

func (a *API) enableKinesisStreamingDestination(ctx context.Context, body []byte) (any, error) {
	var in streamingInput
	table, stream, err := a.streamingRequest(body, &in)
	if err != nil {
		return nil, err
	}
	precision := "MILLISECOND"
	if cfg := in.EnableKinesisStreamingConfiguration; cfg != nil && cfg.ApproximateCreationDateTimePrecision != nil {
		precision = *cfg.ApproximateCreationDateTimePrecision
	}
	if _, err := a.st.Table(table); err != nil {
		return nil, a.fail(err, table)
	}
	if a.streamExists != nil && !a.streamExists(stream) {
		return nil, awsErrNotFound("Requested resource not found: Stream: " + *in.StreamArn + " not found")
	}
	nowMs := a.now().UnixMilli()
	_, err = a.st.Update(ctx, table, func(t *tables.Table) error {
		ds := capture.Destinations(t)
		for i, d := range ds {
			if d.StreamARN == *in.StreamArn {
				if d.Status == "ACTIVE" {
					return validation("Table %s is already streaming to %s", table, *in.StreamArn)
				}
				ds[i].Status, ds[i].Precision, ds[i].ChangedMs = "ACTIVE", precision, nowMs
				capture.SetDestinations(t, ds)
				return nil
			}
		}
		capture.SetDestinations(t, append(ds, capture.Destination{StreamARN: *in.StreamArn, Stream: stream, Status: "ACTIVE", Precision: precision, ChangedMs: nowMs}))
		return nil
	})
	if err != nil {
		return nil, a.fail(err, table)
	}
	return streamingOutput{TableName: table, StreamArn: *in.StreamArn, DestinationStatus: "ENABLING",
		EnableKinesisStreamingConfiguration: &streamingConfig{ApproximateCreationDateTimePrecision: &precision}}, nil
}

func (a *API) disableKinesisStreamingDestination(ctx context.Context, body []byte) (any, error) {
	var in streamingInput
	table, _, err := a.streamingRequest(body, &in)
	if err != nil {
		return nil, err
	}
	nowMs := a.now().UnixMilli()
	_, err = a.st.Update(ctx, table, func(t *tables.Table) error {
		ds := capture.Destinations(t)
		for i, d := range ds {
			if d.StreamARN == *in.StreamArn && d.Status == "ACTIVE" {
				ds[i].Status, ds[i].ChangedMs = "DISABLED", nowMs
				capture.SetDestinations(t, ds)
				return nil
			}
		}
		return validation("Table %s is not streaming to %s", table, *in.StreamArn)
	})
	if err != nil {
		return nil, a.fail(err, table)
	}
	return streamingOutput{TableName: table, StreamArn: *in.StreamArn, DestinationStatus: "DISABLING"}, nil
}

func (a *API) updateKinesisStreamingDestination(ctx context.Context, body []byte) (any, error) {
	var in streamingInput
	table, _, err := a.streamingRequest(body, &in)
	if err != nil {
		return nil, err
	}
	cfg := in.UpdateKinesisStreamingConfiguration
	if cfg == nil || cfg.ApproximateCreationDateTimePrecision == nil {
		return nil, validation("UpdateKinesisStreamingConfiguration must be provided")
	}
	_, err = a.st.Update(ctx, table, func(t *tables.Table) error {
		ds := capture.Destinations(t)
		for i, d := range ds {
			if d.StreamARN == *in.StreamArn && d.Status == "ACTIVE" {
				if d.Precision == *cfg.ApproximateCreationDateTimePrecision {
					return validation("Invalid Request: Precision is already set to the desired value of %s for this Kinesis data stream destination.", d.Precision)
				}
				ds[i].Precision = *cfg.ApproximateCreationDateTimePrecision
				capture.SetDestinations(t, ds)
				return nil
			}
		}
		return validation("Table %s is not streaming to %s", table, *in.StreamArn)
	})
	if err != nil {
		return nil, a.fail(err, table)
	}
	return streamingOutput{TableName: table, StreamArn: *in.StreamArn, DestinationStatus: "UPDATING", UpdateKinesisStreamingConfiguration: cfg}, nil
}

func (a *API) describeKinesisStreamingDestination(ctx context.Context, body []byte) (any, error) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	checkTableName(&c, in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	name := tableNameOf(*in.TableName)
	t, err := a.st.Table(name)
	if err != nil {
		return nil, a.fail(err, name)
	}
	type dest struct {
		StreamArn                            string `json:"StreamArn"`
		DestinationStatus                    string `json:"DestinationStatus"`
		ApproximateCreationDateTimePrecision string `json:"ApproximateCreationDateTimePrecision"`
	}
	out := struct {
		TableName                     string `json:"TableName"`
		KinesisDataStreamDestinations []dest `json:"KinesisDataStreamDestinations"`
	}{TableName: name, KinesisDataStreamDestinations: []dest{}}
	for _, d := range capture.Destinations(t) {
		out.KinesisDataStreamDestinations = append(out.KinesisDataStreamDestinations, dest{d.StreamARN, d.Status, d.Precision})
	}
	return out, nil
}
