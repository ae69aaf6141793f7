package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// createTable creates a DynamoDB table keyed by pk (a string) and waits
// until it is ACTIVE.
func createTable(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		t.Fatal(err)
	}
}

// putItems puts items pk = prefix0 .. prefix(n-1) into table.
func putItems(t *testing.T, c *dynamodb.Client, table, prefix string, n int) {
	t.Helper()
	for i := range n {
		if _, err := c.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: fmt.Sprint(prefix, i)}, "amount": &types.AttributeValueMemberN{Value: fmt.Sprint(i)}}}); err != nil {
			t.Fatal(err)
		}
	}
}

// pipelineNodes reads GET /api/pipeline's nodes by id, and its edges.
func pipelineNodes(t *testing.T, srv *testserver.Server) (map[string]map[string]any, string) {
	t.Helper()
	code, out := call(t, srv, "GET", "/api/pipeline", "")
	if code != http.StatusOK {
		t.Fatalf("GET /api/pipeline: %d %v", code, out)
	}
	nodes := map[string]map[string]any{}
	for _, n := range out["nodes"].([]any) {
		m := n.(map[string]any)
		nodes[m["id"].(string)] = m
	}
	return nodes, compact(out["edges"])
}

// TestPipelineTablesAPI: the pipeline starts at the DynamoDB tables. A
// table with a Kinesis streaming destination has an edge to its stream,
// which a streaming view reads, and to a procedure that loads it with
// COPY FROM 'dynamodb://...'; the table shows its status, item count and
// size, its DynamoDB stream and, while items are written, its writes per
// second. A disabled destination is listed without an edge.
func TestPipelineTablesAPI(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	dc := testserver.DynamoDBClient(srv.AWS, 0)
	kc := testserver.KinesisClient(srv.AWS)
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("order-changes"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	arn := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/order-changes")
	createTable(t, dc, "orders")
	createTable(t, dc, "audit")
	for _, table := range []string{"orders", "audit"} {
		if _, err := dc.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String(table), StreamArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dc.DisableKinesisStreamingDestination(ctx, &dynamodb.DisableKinesisStreamingDestinationInput{TableName: aws.String("audit"), StreamArn: arn}); err != nil {
		t.Fatal(err)
	}
	putItems(t, dc, "orders", "o", 3)
	if _, err := dc.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "o0"}}}); err != nil {
		t.Fatal(err)
	}
	// audit also has a DynamoDB stream.
	if _, err := dc.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("audit"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}}); err != nil {
		t.Fatal(err)
	}
	// A streaming view of the destination's stream, and a procedure that
	// loads the table with COPY ... FROM 'dynamodb://...'.
	if code, out := call(t, srv, "POST", "/api/query", sqlBody(`create external schema k from kinesis iam_role default;
		create materialized view order_changes_vw as select json_parse(kinesis_data) as payload from k."order-changes";
		refresh materialized view order_changes_vw;
		create table orders_copy (pk varchar(20), amount int);
		create procedure load_orders() as $$
		begin
			truncate orders_copy;
			copy orders_copy from 'dynamodb://orders' iam_role 'arn:aws:iam::123456789012:role/load' readratio 50;
		end;
		$$ language plpgsql;
		copy orders_copy from 'dynamodb://orders' iam_role 'arn:aws:iam::123456789012:role/load' readratio 50`)); code != 200 {
		t.Fatalf("%d %v", code, out)
	}

	nodes, edges := pipelineNodes(t, srv)
	orders, audit, stream := nodes["dynamodb_table:orders"], nodes["dynamodb_table:audit"], nodes["stream:order-changes"]
	if orders == nil || audit == nil || stream == nil {
		t.Fatalf("nodes: %v", nodes)
	}
	// Three puts and a delete leave two items, as DescribeTable's ItemCount.
	desc, err := dc.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if orders["kind"] != "dynamodb_table" || orders["name"] != "orders" || orders["status"] != "ACTIVE" || orders["items"] != 2.0 ||
		orders["items"] != float64(aws.ToInt64(desc.Table.ItemCount)) || orders["sizeBytes"] != float64(aws.ToInt64(desc.Table.TableSizeBytes)) ||
		compact(orders["destinations"]) != `[{"status":"ACTIVE","stream":"order-changes"}]` {
		t.Errorf("orders: %v (DescribeTable: %d items, %d bytes)", orders, aws.ToInt64(desc.Table.ItemCount), aws.ToInt64(desc.Table.TableSizeBytes))
	}
	if audit["items"] != 0.0 || compact(audit["destinations"]) != `[{"status":"DISABLED","stream":"order-changes"}]` ||
		audit["dynamodbStream"] != "NEW_AND_OLD_IMAGES" || orders["dynamodbStream"] != nil {
		t.Errorf("audit: %v", audit)
	}
	// orders → its stream → the streaming view, and orders → the procedure
	// that copies it → the table it loads; nothing from audit.
	want := `[{"from":"dynamodb_table:orders","to":"stream:order-changes"},{"from":"stream:order-changes","to":"view:public.order_changes_vw"},` +
		`{"from":"dynamodb_table:orders","to":"procedure:public.load_orders"},{"from":"procedure:public.load_orders","to":"table:public.orders_copy"}]`
	if edges != want {
		t.Errorf("edges\n got %s\nwant %s", edges, want)
	}
	// The four changes went to the stream (and the view read them).
	if sv := nodes["view:public.order_changes_vw"]; sv == nil || sv["rows"] != 4.0 {
		t.Errorf("streaming view: %v", sv)
	}
	if c := nodes["table:public.orders_copy"]; c == nil || c["rows"] != 2.0 {
		t.Errorf("the copy of orders: %v", c)
	}

	// Writes per second: measured between two snapshots while items are
	// written.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_, _ = dc.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: fmt.Sprint("w", i)}}})
			time.Sleep(20 * time.Millisecond) // pacing the writer, not timing the test
		}
	}()
	defer func() { close(stop); <-done }()
	waitFor(t, "the table's writes per second", func() bool {
		nodes, _ := pipelineNodes(t, srv)
		w, _ := nodes["dynamodb_table:orders"]["writesPerSec"].(float64)
		return w > 0
	})
}

// A destination whose stream was deleted draws the stream as MISSING,
// still with the table's edge to it.
func TestPipelineTableMissingStream(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	dc := testserver.DynamoDBClient(srv.AWS, 0)
	kc := testserver.KinesisClient(srv.AWS)
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("gone"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	createTable(t, dc, "orders")
	if _, err := dc.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("orders"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/gone")}); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the stream drawn MISSING", func() bool {
		nodes, edges := pipelineNodes(t, srv)
		s := nodes["stream:gone"]
		return s != nil && s["status"] == "MISSING" && edges == `[{"from":"dynamodb_table:orders","to":"stream:gone"}]`
	})
}
