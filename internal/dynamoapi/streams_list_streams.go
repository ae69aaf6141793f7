package dynamoapi

// ListStreams (DynamoDB Streams).
//
// Behavior: lists the DynamoDB streams of every table, or of TableName,
// enabled and disabled, ordered by table name and then by label (their
// creation), Limit (1 to 100, default 100) at a time; a page that stops
// early gives LastEvaluatedStreamArn, which ExclusiveStartStreamArn takes
// to go on. A TableName that names no table is ResourceNotFoundException.
//
// Deviations: a deleted table's streams are gone with it (DynamoDB lists
// them for 24 hours).

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/capture"
)

type listStreamsInput struct {
	TableName               *string `json:"TableName"`
	Limit                   *int64  `json:"Limit"`
	ExclusiveStartStreamArn *string `json:"ExclusiveStartStreamArn"`
}

type streamSummary struct {
	StreamArn   string `json:"StreamArn"`
	TableName   string `json:"TableName"`
	StreamLabel string `json:"StreamLabel"`
}

func (a *API) listStreams(ctx context.Context, body []byte) (any, error) {
	var in listStreamsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	if in.TableName != nil {
		checkTableName(&c, in.TableName, "tableName")
	}
	checkLimit(&c, in.Limit, maxStreamsDescribeAndList)
	if err := c.err(); err != nil {
		return nil, err
	}
	names := a.st.List()
	if in.TableName != nil {
		name := tableNameOf(*in.TableName)
		if _, err := a.st.Table(name); err != nil {
			return nil, awsErrNotFound("Requested resource not found: Table: " + name + " not found")
		}
		names = []string{name}
	}
	limit := maxStreamsDescribeAndList
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := struct {
		Streams                []streamSummary `json:"Streams"`
		LastEvaluatedStreamArn *string         `json:"LastEvaluatedStreamArn,omitempty"`
	}{Streams: []streamSummary{}}
	started := in.ExclusiveStartStreamArn == nil
	for _, name := range names {
		t, err := a.st.Table(name)
		if err != nil {
			continue // deleted meanwhile
		}
		for _, st := range capture.TableStreams(t) {
			arn := a.streamARN(name, st)
			if !started {
				started = arn == *in.ExclusiveStartStreamArn
				continue
			}
			if len(out.Streams) == limit {
				last := out.Streams[limit-1].StreamArn
				out.LastEvaluatedStreamArn = &last
				return out, nil
			}
			out.Streams = append(out.Streams, streamSummary{StreamArn: arn, TableName: name, StreamLabel: st.Label})
		}
	}
	return out, nil
}
