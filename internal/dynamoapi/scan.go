package dynamoapi

// Scan.
//
// Behavior: reads the table or an index (IndexName) in key order, with
// FilterExpression (or ScanFilter), ProjectionExpression (or
// AttributesToGet), Select, Limit (items read, before the filter) and the
// 1 MB page with LastEvaluatedKey / ExclusiveStartKey, and parallel scans
// (Segment of TotalSegments, 1 to 1,000,000): a partition belongs to
// exactly one segment, by a hash of its key, so the segments together
// return every item once.
//
// Deviations: items come in key order, not DynamoDB's hash order; each
// segment reads the whole key range and skips other segments' partitions.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

type scanInput struct {
	readFields
	ScanFilter    map[string]expr.LegacyCondition `json:"ScanFilter"`
	Segment       *int64                          `json:"Segment"`
	TotalSegments *int64                          `json:"TotalSegments"`
}

func (a *API) scan(ctx context.Context, body []byte) (any, error) {
	var in scanInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	in.legacyFilter = in.ScanFilter
	var c constraints
	in.checkShape(&c)
	if in.Segment != nil {
		if *in.Segment < 0 {
			c.add(in.Segment, "segment", "Member must have value greater than or equal to 0")
		}
		if *in.Segment > 999999 {
			c.add(in.Segment, "segment", "Member must have value less than or equal to 999999")
		}
	}
	if in.TotalSegments != nil {
		if *in.TotalSegments < 1 {
			c.add(in.TotalSegments, "totalSegments", "Member must have value greater than or equal to 1")
		}
		if *in.TotalSegments > 1000000 {
			c.add(in.TotalSegments, "totalSegments", "Member must have value less than or equal to 1000000")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := expr.CheckParams(
		[]expr.Param{{Name: "ProjectionExpression", Present: present(in.ProjectionExpression)}, {Name: "FilterExpression", Present: present(in.FilterExpression)}},
		[]expr.Param{{Name: "AttributesToGet", Present: in.AttributesToGet != nil}, {Name: "ScanFilter", Present: in.ScanFilter != nil}, {Name: "ConditionalOperator", Present: in.ConditionalOperator != nil}},
		in.ExpressionAttributeNames != nil, in.ExpressionAttributeValues != nil); err != nil {
		return nil, exprErr(err)
	}
	if in.Segment != nil && in.TotalSegments == nil {
		return nil, validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	}
	if in.TotalSegments != nil && in.Segment == nil {
		return nil, validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	}
	if in.Segment != nil && *in.Segment >= *in.TotalSegments {
		return nil, validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", *in.Segment, *in.TotalSegments)
	}
	if err := in.checkSelect("Scanning"); err != nil {
		return nil, err
	}
	p := &expr.Params{Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues}
	if err := p.CheckKeys(in.ExpressionAttributeNames != nil, in.ExpressionAttributeValues != nil); err != nil {
		return nil, exprErr(err)
	}
	pr, err := a.prepare(&in.readFields, p, nil, "FilterExpression", "ScanFilter")
	if err != nil {
		return nil, err
	}
	req := tables.ReadRequest{}
	if in.TotalSegments != nil {
		req.Segment, req.TotalSegments = int(*in.Segment), int(*in.TotalSegments)
	}
	return a.run(ctx, &in.readFields, pr, req)
}
