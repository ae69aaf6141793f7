package kinesisapi

// ListStreams.
//
// Behavior: stream names in name order, Limit (1-10000, default 100) at a
// time, after ExclusiveStartStreamName or from NextToken, with
// HasMoreStreams, NextToken and StreamSummaries.
//
// Deviations: NextToken does not expire.

import (
	"context"
	"encoding/base64"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

type listStreamsInput struct {
	Limit                    *int   `json:"Limit"`
	ExclusiveStartStreamName string `json:"ExclusiveStartStreamName"`
	NextToken                string `json:"NextToken"`
}

type streamSummaryEntry struct {
	StreamName              string       `json:"StreamName"`
	StreamARN               string       `json:"StreamARN"`
	StreamStatus            string       `json:"StreamStatus"`
	StreamModeDetails       modeDetails  `json:"StreamModeDetails"`
	StreamCreationTimestamp epochSeconds `json:"StreamCreationTimestamp"`
}

type listStreamsOutput struct {
	StreamNames     []string             `json:"StreamNames"`
	HasMoreStreams  bool                 `json:"HasMoreStreams"`
	NextToken       string               `json:"NextToken,omitempty"`
	StreamSummaries []streamSummaryEntry `json:"StreamSummaries"`
}

func (a *API) listStreams(ctx context.Context, body []byte) (any, error) {
	var in listStreamsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return nil, awsjson.Errorf(ValidationException, "Limit %d: want 1 to 10000", *in.Limit)
		}
		limit = *in.Limit
	}
	after := in.ExclusiveStartStreamName
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil {
			return nil, awsjson.Errorf(InvalidArgumentException, "NextToken %q is not one this server issued", in.NextToken)
		}
		after = string(b)
	}
	names, err := a.sl.Streams(ctx)
	if err != nil {
		return nil, a.fail(err)
	}
	out := listStreamsOutput{StreamNames: []string{}, StreamSummaries: []streamSummaryEntry{}}
	for _, n := range names {
		if after != "" && n <= after {
			continue
		}
		if len(out.StreamNames) == limit {
			out.HasMoreStreams = true
			out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(out.StreamNames[limit-1]))
			break
		}
		info, err := a.sl.Describe(ctx, n)
		if err != nil {
			continue // deleted meanwhile
		}
		out.StreamNames = append(out.StreamNames, n)
		out.StreamSummaries = append(out.StreamSummaries, streamSummaryEntry{
			StreamName: n, StreamARN: a.arn(n), StreamStatus: info.Status,
			StreamModeDetails: modeDetails{info.Mode}, StreamCreationTimestamp: epochSeconds(info.Created),
		})
	}
	return out, nil
}
