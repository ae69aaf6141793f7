package dynamoapi

import "github.com/blueshift-dev/blueshift/internal/awsjson"

// Service returns the DynamoDB service for an awsjson.Server: the table of
// every supported operation. Operations not listed answer
// UnknownOperationException.
func (a *API) Service() *awsjson.Service {
	ops := map[string]awsjson.Handler{
		"CreateTable":        a.createTable,
		"DescribeTable":      a.describeTable,
		"ListTables":         a.listTables,
		"UpdateTable":        a.updateTable,
		"DeleteTable":        a.deleteTable,
		"TagResource":        a.tagResource,
		"UntagResource":      a.untagResource,
		"ListTagsOfResource": a.listTagsOfResource,
		"UpdateTimeToLive":   a.updateTimeToLive,
		"DescribeTimeToLive": a.describeTimeToLive,
		"PutItem":            a.putItem,
		"GetItem":            a.getItem,
		"UpdateItem":         a.updateItem,
		"DeleteItem":         a.deleteItem,
		"Query":              a.query,
		"Scan":               a.scan,
		"BatchGetItem":       a.batchGetItem,
		"BatchWriteItem":     a.batchWriteItem,
		"TransactWriteItems": a.transactWriteItems,
		"TransactGetItems":   a.transactGetItems,
		"DescribeEndpoints":  a.describeEndpoints,

		"EnableKinesisStreamingDestination":   a.enableKinesisStreamingDestination,
		"DisableKinesisStreamingDestination":  a.disableKinesisStreamingDestination,
		"DescribeKinesisStreamingDestination": a.describeKinesisStreamingDestination,
		"UpdateKinesisStreamingDestination":   a.updateKinesisStreamingDestination,
		"ExecuteStatement":                    a.executeStatement,
		"BatchExecuteStatement":               a.batchExecuteStatement,
		"ExecuteTransaction":                  a.executeTransaction,
		"DescribeLimits":                      a.describeLimits,
	}
	return &awsjson.Service{
		Prefix:      "DynamoDB_20120810",
		ContentType: "application/x-amz-json-1.0",
		Operations:  ops,
		Inputs:      inputShapes(model, ops),
		JavaNumbers: true,
		ErrorType:   errorType,
		Texts:       protocolTexts,
	}
}
