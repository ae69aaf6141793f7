// Package dynamoapi serves DynamoDB's JSON API (AWS JSON 1.0,
// X-Amz-Target DynamoDB_20120810.<Operation>) over the tables store, so an
// application written with any AWS SDK runs against blueshift by changing
// only its endpoint.
//
// One file per operation; each opens with what it supports and where it
// deviates from DynamoDB. Checks run in DynamoDB's order: the request's
// shape (SerializationException, then "N validation errors detected"),
// then the table's existence (ResourceNotFoundException), then the items
// (ValidationException with DynamoDB's texts). Errors are translated once,
// here, from the store's error kinds.
package dynamoapi
