package dynamoapi

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

// model is DynamoDB's API model (botocore's dynamodb/2012-08-10, the
// operations' inputs only; see its metadata), the source of the input
// shapes the server type-checks requests against.
//
//go:embed model/dynamodb-2012-08-10.json
var model []byte

// inputShapes returns the type-checking shapes of the served operations,
// built from the model. AttributeValue is left to the attribute decoder
// (internal/tables/attr), which words its errors as DynamoDB does; the
// constraints stay with each operation, which reports them in DynamoDB's
// order (dynalite records it), not the model's.
func inputShapes(served map[string]awsjson.Handler) map[string]*awsjson.Shape {
	all, err := awsjson.ShapesFromModel(model, awsjson.ModelOptions{Opaque: []string{"AttributeValue"}, TypesOnly: true})
	if err != nil {
		panic(fmt.Sprintf("dynamoapi: the embedded model: %v", err)) // a build defect, caught by any test
	}
	out := map[string]*awsjson.Shape{}
	for op := range served {
		if s, ok := all[op]; ok {
			out[op] = s
		}
	}
	return out
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
