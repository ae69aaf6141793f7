package dynamoapi

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

// model is DynamoDB's API model (botocore's dynamodb/2012-08-10, the
// operations' inputs only; see its metadata), the source of the input
// shapes the server checks requests against.
//
//go:embed model/dynamodb-2012-08-10.json
var model []byte

// streamsModel is DynamoDB Streams' API model (botocore's
// dynamodbstreams/2012-08-10, trimmed the same way).
//
//go:embed model/streams-2012-08-10.json
var streamsModel []byte

// inputShapes returns the input shapes of the served operations, built
// from an API model with its constraints (required, length, range,
// pattern, enum): the server type-checks every request against them and
// then validates it, reporting every violation at once as DynamoDB does,
// before the operation's own (semantic) checks run. AttributeValue is left
// to the attribute decoder (internal/tables/attr), which words its errors
// as DynamoDB does. Members and enum values are put in the order DynamoDB
// reports them where that differs from the model's (memberOrder,
// enumOrders).
func inputShapes(modelJSON []byte, served map[string]awsjson.Handler) map[string]*awsjson.Shape {
	all, err := awsjson.ShapesFromModel(modelJSON, awsjson.ModelOptions{Opaque: []string{"AttributeValue"}})
	if err != nil {
		panic(fmt.Sprintf("dynamoapi: the embedded model: %v", err)) // a build defect, caught by any test
	}
	out := map[string]*awsjson.Shape{}
	seen := map[*awsjson.Shape]bool{}
	for op := range served {
		s, ok := all[op]
		if !ok {
			continue
		}
		if order, ok := memberOrder[op]; ok {
			s.Members = reorder(s.Members, order)
		}
		orderEnums(s, seen)
		out[op] = s
	}
	return out
}

// memberOrder is, for operations where it differs from the model's, the
// order in which DynamoDB reports the violations of these top-level
// members (dynalite records DynamoDB's orders; the operations' own checks
// followed them): the members named come first, the others after them in
// the model's order.
var memberOrder = map[string][]string{
	"CreateTable":        {"AttributeDefinitions", "TableName", "BillingMode", "ProvisionedThroughput", "KeySchema", "LocalSecondaryIndexes", "GlobalSecondaryIndexes"},
	"PutItem":            {"TableName", "Item", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ReturnValues", "ReturnValuesOnConditionCheckFailure"},
	"UpdateItem":         {"TableName", "Key", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ReturnValues", "ReturnValuesOnConditionCheckFailure"},
	"DeleteItem":         {"TableName", "Key", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ReturnValues", "ReturnValuesOnConditionCheckFailure"},
	"Query":              {"TableName", "IndexName", "Select", "Limit", "ReturnConsumedCapacity", "ConditionalOperator"},
	"Scan":               {"TableName", "IndexName", "Select", "Limit", "ReturnConsumedCapacity", "ConditionalOperator", "Segment", "TotalSegments"},
	"ExecuteStatement":   {"Statement", "Limit", "Parameters", "ReturnConsumedCapacity", "ReturnValuesOnConditionCheckFailure"},
	"TransactWriteItems": {"TransactItems", "ClientRequestToken", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics"},
}

// enumOrders are enums DynamoDB lists in an order other than the model's
// in "Member must satisfy enum value set: [...]" (dynalite records them).
var enumOrders = [][]string{
	{"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"},
	{"B", "N", "S"},
	{"ALL", "INCLUDE", "KEYS_ONLY"},
}

// reorder puts the members named in order first, in that order.
func reorder(members []awsjson.Member, order []string) []awsjson.Member {
	out := make([]awsjson.Member, 0, len(members))
	for _, name := range order {
		for _, m := range members {
			if m.Name == name {
				out = append(out, m)
			}
		}
	}
	for _, m := range members {
		if !slices.Contains(order, m.Name) {
			out = append(out, m)
		}
	}
	return out
}

// orderEnums replaces, in s and the shapes under it, an enum listed in
// enumOrders by that order.
func orderEnums(s *awsjson.Shape, seen map[*awsjson.Shape]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if len(s.Enum) > 0 {
		for _, order := range enumOrders {
			if sameSet(s.Enum, order) {
				s.Enum = order
			}
		}
	}
	for _, m := range s.Members {
		orderEnums(m.Shape, seen)
	}
	orderEnums(s.Elem, seen)
	orderEnums(s.Key, seen)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// errorType is the "__type" DynamoDB writes for an error type: its own
// errors carry their full names already; the protocol's are Coral's
// (observed; dynalite records "com.amazon.coral.service#..." and
// "com.amazon.coral.validate#ValidationException").
func errorType(t string) string {
	switch {
	case strings.Contains(t, "#"):
		return t
	case t == awsjson.ValidationException:
		return ValidationException
	}
	return "com.amazon.coral.service#" + t
}

// protocolTexts are DynamoDB's own words for protocol errors (observed;
// dynalite records them).
var protocolTexts = map[string]string{
	awsjson.MissingAuthenticationTokenException: "Request is missing Authentication Token",
}
