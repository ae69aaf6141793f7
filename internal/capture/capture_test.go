package capture

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// A record has the shape of DynamoDB's Kinesis change record (the
// article's sample, shared/seed/sample-record.json): the same top-level
// members in the same order, numbers as strings, times in the chosen
// precision.
func TestRecordShape(t *testing.T) {
	tb := &tables.Table{Name: "sample-dynamoDB"}
	key := attr.Item{"pk": attr.Str("CUSTOMER#CUST_123")}
	newItem := attr.Item{"pk": attr.Str("CUSTOMER#CUST_123"), "OutofPockPercent": attr.Num(attr.MustNumber("50.00"))}
	now := time.UnixMilli(1657294923614)
	b, err := Record(tables.Change{Table: tb, Key: key, New: newItem}, "us-east-1", "MILLISECOND", now)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"awsRegion", "eventID", "eventName", "userIdentity", "recordFormat", "tableName", "dynamodb", "eventSource"} {
		if _, ok := got[k]; !ok {
			t.Errorf("member %s missing in %s", k, b)
		}
	}
	if string(got["eventName"]) != `"INSERT"` || string(got["userIdentity"]) != "null" || string(got["eventSource"]) != `"aws:dynamodb"` {
		t.Errorf("record %s", b)
	}
	var ddb struct {
		ApproximateCreationDateTime int64
		NewImage                    map[string]map[string]any
		OldImage                    map[string]any
	}
	_ = json.Unmarshal(got["dynamodb"], &ddb)
	if ddb.ApproximateCreationDateTime != 1657294923614 || ddb.NewImage["OutofPockPercent"]["N"] != "50" || ddb.OldImage != nil {
		t.Errorf("dynamodb member %s", got["dynamodb"])
	}
	b, _ = Record(tables.Change{Table: tb, Key: key, Old: newItem, TTL: true}, "us-east-1", "MICROSECOND", now)
	_ = json.Unmarshal(b, &got)
	_ = json.Unmarshal(got["dynamodb"], &ddb)
	if string(got["eventName"]) != `"REMOVE"` || string(got["userIdentity"]) != `{"type":"Service","principalId":"dynamodb.amazonaws.com"}` || ddb.ApproximateCreationDateTime != 1657294923614000 {
		t.Errorf("TTL removal record %s", b)
	}
	if a, b := PartitionKey(tb, key), PartitionKey(tb, attr.Item{"pk": attr.Str("other")}); string(a) == string(b) || len(a) != 32 {
		t.Errorf("partition keys %s and %s", a, b)
	}
}
