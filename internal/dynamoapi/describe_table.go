package dynamoapi

// DescribeTable.
//
// Behavior: returns the TableDescription: key schema, attribute
// definitions, status (CREATING for the server's transition delay after
// CreateTable, then ACTIVE; UPDATING after UpdateTable for the same
// delay), ItemCount and TableSizeBytes (exact, kept as items change, where
// DynamoDB updates them about every six hours), billing mode and
// throughput, indexes with their status (a GSI added by UpdateTable is
// CREATING with Backfilling true until its backfill is done), stream
// specification as given, TableArn and TableId.
//
// Deviations: IndexSizeBytes and an index's ItemCount are 0; there is no
// table class, deletion protection, replicas or SSE description.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/capture"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

type tableNameInput struct {
	TableName *string `json:"TableName"`
}

type keySchemaElement struct {
	AttributeName *string `json:"AttributeName"`
	KeyType       *string `json:"KeyType"`
}

type attributeDefinition struct {
	AttributeName *string `json:"AttributeName"`
	AttributeType *string `json:"AttributeType"`
}

type projection struct {
	ProjectionType   *string  `json:"ProjectionType,omitempty"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

type throughputDesc struct {
	LastIncreaseDateTime   *epoch `json:"LastIncreaseDateTime,omitempty"`
	LastDecreaseDateTime   *epoch `json:"LastDecreaseDateTime,omitempty"`
	NumberOfDecreasesToday int64  `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      int64  `json:"ReadCapacityUnits"`
	WriteCapacityUnits     int64  `json:"WriteCapacityUnits"`
}

type indexDesc struct {
	IndexName             string             `json:"IndexName"`
	KeySchema             []keySchemaElement `json:"KeySchema"`
	Projection            projection         `json:"Projection"`
	IndexStatus           string             `json:"IndexStatus,omitempty"`
	Backfilling           *bool              `json:"Backfilling,omitempty"`
	ProvisionedThroughput *throughputDesc    `json:"ProvisionedThroughput,omitempty"`
	IndexSizeBytes        int64              `json:"IndexSizeBytes"`
	ItemCount             int64              `json:"ItemCount"`
	IndexArn              string             `json:"IndexArn"`
}

type billingSummary struct {
	BillingMode                       string `json:"BillingMode"`
	LastUpdateToPayPerRequestDateTime *epoch `json:"LastUpdateToPayPerRequestDateTime,omitempty"`
}

type tableDescription struct {
	AttributeDefinitions   []attributeDefinition `json:"AttributeDefinitions"`
	TableName              string                `json:"TableName"`
	KeySchema              []keySchemaElement    `json:"KeySchema"`
	TableStatus            string                `json:"TableStatus"`
	CreationDateTime       epoch                 `json:"CreationDateTime"`
	ProvisionedThroughput  throughputDesc        `json:"ProvisionedThroughput"`
	TableSizeBytes         int64                 `json:"TableSizeBytes"`
	ItemCount              int64                 `json:"ItemCount"`
	TableArn               string                `json:"TableArn"`
	TableID                string                `json:"TableId"`
	BillingModeSummary     *billingSummary       `json:"BillingModeSummary,omitempty"`
	LocalSecondaryIndexes  []indexDesc           `json:"LocalSecondaryIndexes,omitempty"`
	GlobalSecondaryIndexes []indexDesc           `json:"GlobalSecondaryIndexes,omitempty"`
	StreamSpecification    json.RawMessage       `json:"StreamSpecification,omitempty"`
	LatestStreamArn        string                `json:"LatestStreamArn,omitempty"`
	LatestStreamLabel      string                `json:"LatestStreamLabel,omitempty"`
	DeletionProtection     bool                  `json:"DeletionProtectionEnabled"`
}

func str(s string) *string { return &s }

func keySchemaOf(k tables.KeySchema) []keySchemaElement {
	out := []keySchemaElement{{str(k.Hash.Name), str("HASH")}}
	if k.HasRange() {
		out = append(out, keySchemaElement{str(k.Range.Name), str("RANGE")})
	}
	return out
}

func throughputOf(t tables.Throughput) throughputDesc {
	d := throughputDesc{ReadCapacityUnits: t.Read, WriteCapacityUnits: t.Write, NumberOfDecreasesToday: t.Decreases}
	if t.LastIncreaseMs > 0 {
		e := epoch(t.LastIncreaseMs)
		d.LastIncreaseDateTime = &e
	}
	if t.LastDecreaseMs > 0 {
		e := epoch(t.LastDecreaseMs)
		d.LastDecreaseDateTime = &e
	}
	return d
}

// describe builds the TableDescription of t with status.
func (a *API) describe(t *tables.Table, items, size int64, status string) tableDescription {
	arn := a.tableARN(t.Name)
	d := tableDescription{
		TableName: t.Name, KeySchema: keySchemaOf(t.Key), TableStatus: status,
		CreationDateTime: epoch(t.CreatedMs), ProvisionedThroughput: throughputOf(t.Through),
		TableSizeBytes: size, ItemCount: items, TableArn: arn,
		TableID: fmt.Sprintf("%08x-0000-4000-8000-%012x", t.ID, t.CreatedMs), StreamSpecification: t.Stream,
	}
	if st, ok := capture.LatestStream(t); ok {
		d.LatestStreamArn, d.LatestStreamLabel = a.streamARN(t.Name, st), st.Label
	}
	for _, ad := range t.AttrDefs {
		d.AttributeDefinitions = append(d.AttributeDefinitions, attributeDefinition{str(ad.Name), str(ad.Type.String())})
	}
	if t.Billing == "PAY_PER_REQUEST" {
		e := epoch(t.CreatedMs)
		d.BillingModeSummary = &billingSummary{BillingMode: t.Billing, LastUpdateToPayPerRequestDateTime: &e}
	}
	for _, ix := range t.Indexes {
		pt := ix.Projection.Type
		id := indexDesc{IndexName: ix.Name, KeySchema: keySchemaOf(ix.Key),
			Projection: projection{ProjectionType: &pt, NonKeyAttributes: ix.Projection.NonKey},
			IndexArn:   arn + "/index/" + ix.Name}
		if ix.Local {
			d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, id)
			continue
		}
		id.IndexStatus = "ACTIVE"
		bf := ix.Backfilling
		if bf {
			id.IndexStatus = "CREATING"
		}
		id.Backfilling = &bf
		tp := throughputOf(ix.Throughput)
		id.ProvisionedThroughput = &tp
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, id)
	}
	return d
}

func (a *API) describeTable(ctx context.Context, body []byte) (any, error) {
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
	t, items, size, err := a.st.Describe(name)
	if err != nil {
		return nil, awsjson.Errorf(ResourceNotFoundException, "Requested resource not found: Table: %s not found", name)
	}
	return struct {
		Table tableDescription `json:"Table"`
	}{a.describe(t, items, size, t.Status(a.now().UnixMilli()))}, nil
}
