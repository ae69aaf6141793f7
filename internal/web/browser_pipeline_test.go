package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/chromedp/chromedp"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestBrowserPipeline opens the pipeline page while the demo's generator
// runs: the stream's and the views' figures move without a reload, and a
// record the streaming view cannot parse shows as a scan error with its text.
// A DynamoDB table written to meanwhile, with a Kinesis streaming
// destination, is the flow's first step: its items and writes per second
// move, with an edge to its stream.
func TestBrowserPipeline(t *testing.T) {
	httpAddr, awsAddr := startDemo(t)
	writeOrders(t, awsAddr)
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp)
			run(t, ctx, "open the pipeline", chromedp.Navigate("http://"+httpAddr+"/"),
				chromedp.WaitVisible(`body[data-ready="pipeline"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`[data-node="view:public.demo_stream_vw"]`, chromedp.ByQuery))
			rows := func() int {
				n, _ := strconv.Atoi(strings.ReplaceAll(nodeFigure(t, ctx, "view:public.demo_stream_vw", "rows"), ",", ""))
				return n
			}
			first := rows()
			eventually(t, "the streaming view's row count to grow on the page", func() bool { return rows() > first })
			// The stream's rate is measured between two events; the
			// generator puts 20 records a second.
			eventually(t, "the stream's records/s to show", func() bool {
				r := nodeFigure(t, ctx, "stream:demo-data-stream", "rate")
				return r != "–" && r != "0/s"
			})
			for _, node := range []string{"stream:demo-data-stream", "view:public.mv_demo_super_unnest",
				"procedure:public.sp_customer_transaction_fact", "table:public.customer_transaction_fact"} {
				var n int
				run(t, ctx, "count "+node, chromedp.Evaluate(`document.querySelectorAll('[data-node="`+node+`"]').length`, &n))
				if n != 1 {
					t.Errorf("node %s drawn %d times", node, n)
				}
			}
			var edges int
			run(t, ctx, "count edges", chromedp.Evaluate(`document.querySelectorAll('svg.edges path').length`, &edges))
			if edges < 5 {
				t.Errorf("%d edges drawn, want the chain stream → view → view → procedure → table, and table → stream", edges)
			}
			// The DynamoDB table: its item count grows while the writer
			// runs, its writes per second show, and it is drawn before its
			// stream, with the edge between them.
			items := func() int {
				n, _ := strconv.Atoi(strings.ReplaceAll(nodeFigure(t, ctx, "dynamodb_table:orders", "items"), ",", ""))
				return n
			}
			firstItems := items()
			eventually(t, "the table's item count to grow on the page", func() bool { return items() > firstItems })
			eventually(t, "the table's writes/s to show", func() bool {
				r := nodeFigure(t, ctx, "dynamodb_table:orders", "rate")
				return r != "–" && r != "0/s"
			})
			var dest string
			run(t, ctx, "the table's destination", chromedp.Evaluate(`[...document.querySelectorAll('[data-node="dynamodb_table:orders"] .fig.dest[data-stream="orders-changes"] span')].map(e => e.textContent).join(" | ")`, &dest))
			if dest != "→ orders-changes | ACTIVE" {
				t.Errorf("the table's destination reads %q", dest)
			}
			var linked bool
			run(t, ctx, "the table's edge", chromedp.Evaluate(`!!document.querySelector('svg.edges path[data-from="dynamodb_table:orders"][data-to="stream:orders-changes"]')`, &linked))
			if !linked {
				t.Error("no edge drawn from the table to its stream")
			}
			var before bool
			run(t, ctx, "the table before its stream", chromedp.Evaluate(`(() => {
				const a = document.querySelector('[data-node="dynamodb_table:orders"]').getBoundingClientRect();
				const b = document.querySelector('[data-node="stream:orders-changes"]').getBoundingClientRect();
				return `+map[bool]string{false: `b.left >= a.right`, true: `b.top >= a.bottom`}[vp.mobile]+`;
			})()`, &before))
			if !before {
				t.Errorf("the table is not drawn before its stream (%s)", vp.name)
			}
			// The schedule that runs the load procedure, with its last run.
			eventually(t, "the load schedule's first run", func() bool {
				var s string
				run(t, ctx, "schedule", chromedp.Evaluate(`(document.querySelector('#schedules tr[data-schedule="load_customer_transaction_fact"]') || {}).textContent || ""`, &s))
				return strings.Contains(s, "every 10 seconds") && strings.Contains(s, "succeeded")
			})
			screenshot(t, ctx, "pipeline-"+vp.name)
		})
	}

	// The demo's dashboard over the fact table: every panel draws.
	for _, vp := range []viewport{desktop, phone} {
		ctx := browser(t, vp)
		run(t, ctx, "open the demo's dashboard", chromedp.Navigate("http://"+httpAddr+"/dashboards/transactions"),
			chromedp.WaitVisible(`body[data-ready="dashboard"]`, chromedp.ByQuery))
		eventually(t, "all six panels drawn", func() bool {
			var n int
			run(t, ctx, "count panels", chromedp.Evaluate(`document.querySelectorAll('.panel[data-loaded]').length`, &n))
			return n == 6
		})
		var errs string
		run(t, ctx, "panel errors", chromedp.Evaluate(`[...document.querySelectorAll('.panel .error')].map(e => e.textContent).join('; ')`, &errs))
		if errs != "" {
			t.Errorf("panel errors: %s", errs)
		}
		screenshot(t, ctx, "demo-dashboard-"+vp.name)
	}

	// A record that is not JSON: json_parse fails on it and the streaming
	// view skips it, keeping it in SYS_STREAM_SCAN_ERRORS.
	kc := testserver.KinesisClient(awsAddr)
	bad := "this is not json {"
	if _, err := kc.PutRecord(context.Background(), &kinesis.PutRecordInput{StreamName: aws.String("demo-data-stream"),
		PartitionKey: aws.String("bad"), Data: []byte(bad)}); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, desktop)
	run(t, ctx, "open the pipeline", chromedp.Navigate("http://"+httpAddr+"/"),
		chromedp.WaitVisible(`body[data-ready="pipeline"]`, chromedp.ByQuery))
	eventually(t, "the scan error with the record's text", func() bool {
		var n int
		run(t, ctx, "scan errors", chromedp.Evaluate(`[...document.querySelectorAll('tr.scanerror code.record')].filter(e => e.textContent === `+strconv.Quote(bad)+`).length`, &n))
		return n == 1
	})
	screenshot(t, ctx, "pipeline-scan-error")
}

// writeOrders creates the DynamoDB table orders with a Kinesis streaming
// destination (the stream orders-changes) and puts items into it until the
// test ends.
func writeOrders(t *testing.T, awsAddr string) {
	t.Helper()
	ctx := context.Background()
	kc := testserver.KinesisClient(awsAddr)
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders-changes"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	dc := testserver.DynamoDBClient(awsAddr, 0)
	createTable(t, dc, "orders")
	if _, err := dc.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("orders"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/orders-changes")}); err != nil {
		t.Fatal(err)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond): // pacing the writer, not timing the test
			}
			_, _ = dc.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: fmt.Sprint("order-", i)}, "amount": &types.AttributeValueMemberN{Value: fmt.Sprint(i % 100)}}})
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}
