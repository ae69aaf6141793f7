package dynamoapi

// DescribeLimits.
//
// Behavior: returns DynamoDB's default provisioned-capacity quotas for an
// account in a region, as the API reference's example shows them (80,000
// read and write capacity units an account, 40,000 a table).
//
// Deviations: blueshift enforces no capacity quota; the figures tell
// tools that size tables from them what DynamoDB would allow.

import "context"

func (a *API) describeLimits(ctx context.Context, body []byte) (any, error) {
	return struct {
		AccountMaxReadCapacityUnits  int64 `json:"AccountMaxReadCapacityUnits"`
		AccountMaxWriteCapacityUnits int64 `json:"AccountMaxWriteCapacityUnits"`
		TableMaxReadCapacityUnits    int64 `json:"TableMaxReadCapacityUnits"`
		TableMaxWriteCapacityUnits   int64 `json:"TableMaxWriteCapacityUnits"`
	}{80000, 80000, 40000, 40000}, nil
}
