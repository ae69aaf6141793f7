package dynamoapi

// DescribeEndpoints.
//
// Behavior: returns this server's address with a cache period of 1440
// minutes, as DynamoDB returns its regional endpoint, so SDKs with
// endpoint discovery keep using this server.
//
// Deviations: none known.

import "context"

func (a *API) describeEndpoints(ctx context.Context, body []byte) (any, error) {
	type endpoint struct {
		Address              string `json:"Address"`
		CachePeriodInMinutes int64  `json:"CachePeriodInMinutes"`
	}
	return struct {
		Endpoints []endpoint `json:"Endpoints"`
	}{[]endpoint{{a.endpoint, 1440}}}, nil
}
