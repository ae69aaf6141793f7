package dynamoapi_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// The benchmarks run the AWS SDK for Go v2 against the built binary over
// loopback (durable writes, fsync with group commit), and, when
// BLUESHIFT_DYNALITE names dynalite's cli.js (npm install dynalite), the
// same client against dynalite in the same run:
//
//	go test -run '^$' -bench . -benchtime 20000x ./internal/dynamoapi
//
// Each reports ops/s; one op is one call.

type target struct {
	name string
	addr string
	pid  int // the server's process, whose CPU time the benchmarks report
}

func targets(b *testing.B) []target {
	srv := testserver.Start(b)
	ts := []target{{"blueshift", srv.AWS, srv.PID()}}
	if js := os.Getenv("BLUESHIFT_DYNALITE"); js != "" {
		port := "48123"
		cmd := exec.Command("node", js, "--port", port, "--createTableMs", "0")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		addr := "127.0.0.1:" + port
		c := testserver.DynamoDBClient(addr, 0)
		deadline := time.Now().Add(20 * time.Second)
		for {
			if _, err := c.ListTables(context.Background(), &dynamodb.ListTablesInput{}); err == nil {
				break
			}
			if time.Now().After(deadline) {
				b.Fatal("dynalite did not start")
			}
			time.Sleep(50 * time.Millisecond)
		}
		ts = append(ts, target{"dynalite", addr, cmd.Process.Pid})
	}
	return ts
}

func benchTable(b testing.TB, c *dynamodb.Client, name string) {
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(c).Wait(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		b.Fatal(err)
	}
}

// runClients runs b.N calls of op spread over clients goroutines and
// reports calls per second, and the CPU time per call of this process (the
// client) and of the server's process pid (when not 0).
func runClients(b *testing.B, pid, clients int, op func(ctx context.Context, i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	start := time.Now()
	client0, server0 := selfCPU(), procCPU(pid)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := op(context.Background(), i); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	client, server := selfCPU()-client0, procCPU(pid)-server0
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/el.Seconds(), "ops/s")
	b.ReportMetric(float64(client.Microseconds())/float64(b.N), "client-cpu-us/op")
	if pid != 0 {
		b.ReportMetric(float64(server.Microseconds())/float64(b.N), "server-cpu-us/op")
	}
}

// selfCPU is this process's CPU time so far (user and system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is process pid's CPU time so far (user and system, from
// /proc/pid/stat, in clock ticks of 10 ms), or 0 when it cannot be read.
func procCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: utime and stime are the 12th and 13th of them.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func item(i int) map[string]av {
	return map[string]av{"pk": s(fmt.Sprint("user-", i%1000)), "sk": n(fmt.Sprint(i)), "name": s("some name"), "score": n(fmt.Sprint(i % 97)), "active": &types.AttributeValueMemberBOOL{Value: true}}
}

// BenchmarkWrites: PutItem, UpdateItem, BatchWriteItem (25 puts a call)
// and GetItem at 8 and 32 clients.
func BenchmarkWrites(b *testing.B) {
	for _, tg := range targets(b) {
		for _, clients := range []int{8, 32} {
			c := testserver.DynamoDBClient(tg.addr, clients)
			table := fmt.Sprintf("bench%d", clients)
			var once sync.Once
			setup := func(b *testing.B) { once.Do(func() { benchTable(b, c, table) }) }
			b.Run(fmt.Sprintf("%s/PutItem/clients=%d", tg.name, clients), func(b *testing.B) {
				setup(b)
				runClients(b, tg.pid, clients, func(ctx context.Context, i int) error {
					_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item(i)})
					return err
				})
			})
			b.Run(fmt.Sprintf("%s/UpdateItem/clients=%d", tg.name, clients), func(b *testing.B) {
				setup(b)
				runClients(b, tg.pid, clients, func(ctx context.Context, i int) error {
					it := item(i)
					_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: map[string]av{"pk": it["pk"], "sk": it["sk"]},
						UpdateExpression: aws.String("SET score = if_not_exists(score, :z) + :one"), ExpressionAttributeValues: map[string]av{":z": n("0"), ":one": n("1")}})
					return err
				})
			})
			b.Run(fmt.Sprintf("%s/BatchWriteItem/clients=%d", tg.name, clients), func(b *testing.B) {
				// 25 new items a call (BatchWriteItem's most), so the
				// client's cost per call is shared by 25 writes.
				setup(b)
				start := time.Now()
				runClients(b, tg.pid, clients, func(ctx context.Context, i int) error {
					reqs := make([]types.WriteRequest, 25)
					for j := range reqs {
						reqs[j] = types.WriteRequest{PutRequest: &types.PutRequest{Item: item(1_000_000_000 + i*25 + j)}}
					}
					out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}})
					if err == nil && len(out.UnprocessedItems) > 0 {
						err = fmt.Errorf("%d tables with unprocessed items", len(out.UnprocessedItems))
					}
					return err
				})
				b.ReportMetric(float64(25*b.N)/time.Since(start).Seconds(), "items/s")
			})
			b.Run(fmt.Sprintf("%s/GetItem/clients=%d", tg.name, clients), func(b *testing.B) {
				setup(b)
				runClients(b, tg.pid, clients, func(ctx context.Context, i int) error {
					it := item(i)
					_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]av{"pk": it["pk"], "sk": it["sk"]}})
					return err
				})
			})
		}
	}
}

// BenchmarkQuery: Query of one partition's first 10 items (the table is
// loaded with BLUESHIFT_QUERY_ITEMS items, 100,000 by default, in
// partitions of 1,000), reporting p50 and p99 latency.
func BenchmarkQuery(b *testing.B) {
	total := 100_000
	if v := os.Getenv("BLUESHIFT_QUERY_ITEMS"); v != "" {
		fmt.Sscan(v, &total)
	}
	for _, tg := range targets(b) {
		c := testserver.DynamoDBClient(tg.addr, 32)
		benchTable(b, c, "q")
		// Load with BatchWriteItem from 16 clients.
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					base := int(next.Add(25)) - 25
					if base >= total {
						return
					}
					var reqs []types.WriteRequest
					for i := base; i < base+25 && i < total; i++ {
						reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item(i)}})
					}
					if _, err := c.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"q": reqs}}); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.Run(tg.name, func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			runClients(b, tg.pid, 8, func(ctx context.Context, i int) error {
				t0 := time.Now()
				out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("q"), KeyConditionExpression: aws.String("pk = :p AND sk > :s"),
					ExpressionAttributeValues: map[string]av{":p": s(fmt.Sprint("user-", i%1000)), ":s": n("0")}, Limit: aws.Int32(10)})
				lat[i] = time.Since(t0)
				if err == nil && len(out.Items) == 0 && total >= 10000 {
					err = fmt.Errorf("query of user-%d returned nothing", i%1000)
				}
				return err
			})
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkCapture: PutItem from 32 clients into a table without change
// capture, with a Kinesis streaming destination, and with a DynamoDB
// stream (NEW_AND_OLD_IMAGES) (the cost of change capture), then the time
// from a PutItem acknowledged to its record returned by GetRecords (one
// writer, one reader polling the record's shard), p50 and p99, for each.
func BenchmarkCapture(b *testing.B) {
	srv := testserver.Start(b)
	c := testserver.DynamoDBClient(srv.AWS, 32)
	kc := testserver.KinesisClient(srv.AWS)
	ctx := context.Background()
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("changes"), ShardCount: aws.Int32(1)}); err != nil {
		b.Fatal(err)
	}
	benchTable(b, c, "captureoff")
	benchTable(b, c, "captureon")
	if _, err := c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("captureon"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/changes")}); err != nil {
		b.Fatal(err)
	}
	benchTable(b, c, "capturestream")
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("capturestream"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}}); err != nil {
		b.Fatal(err)
	}
	for _, table := range []string{"captureoff", "captureon", "capturestream"} {
		b.Run("PutItem/"+table, func(b *testing.B) {
			runClients(b, srv.PID(), 32, func(ctx context.Context, i int) error {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item(i + b.N)})
				return err
			})
		})
	}
	b.Run("ack-to-GetRecords", func(b *testing.B) {
		it, err := kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("changes"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: ktypes.ShardIteratorTypeLatest})
		if err != nil {
			b.Fatal(err)
		}
		iter := it.ShardIterator
		lat := make([]time.Duration, b.N)
		b.ResetTimer()
		for i := range b.N {
			// A new item each time, across the benchmark's runs too: a put
			// that changes nothing has no record to wait for.
			if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("captureon"), Item: map[string]av{"pk": s(fmt.Sprint("lat-", latSeq.Add(1))), "sk": n("1")}}); err != nil {
				b.Fatal(err)
			}
			acked := time.Now()
			for {
				res, err := kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
				if err != nil {
					b.Fatal(err)
				}
				iter = res.NextShardIterator
				if len(res.Records) > 0 {
					break
				}
			}
			lat[i] = time.Since(acked)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	})
}

// latSeq numbers the latency benchmarks' writes.
var latSeq atomic.Int64

// BenchmarkCaptureStreamsLatency: the time from a PutItem acknowledged to
// its record returned by the DynamoDB Streams API's GetRecords (one
// writer updating one item, so every record is in one shard; one reader
// polling that shard), p50 and p99.
func BenchmarkCaptureStreamsLatency(b *testing.B) {
	srv := testserver.Start(b)
	c := testserver.DynamoDBClient(srv.AWS, 2)
	sc := testserver.DynamoDBStreamsClient(srv.AWS)
	ctx := context.Background()
	benchTable(b, c, "lat")
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("lat"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}}); err != nil {
		b.Fatal(err)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("lat")})
	if err != nil {
		b.Fatal(err)
	}
	arn := d.Table.LatestStreamArn
	put := func() {
		// A new value each time, across the benchmark's runs too: a put
		// that changes nothing has no record to wait for.
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("lat"), Item: map[string]av{"pk": s("lat"), "sk": n("1"), "v": n(fmt.Sprint(latSeq.Add(1)))}}); err != nil {
			b.Fatal(err)
		}
	}
	// Find the item's shard: the one its first record is in.
	put()
	ds, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil {
		b.Fatal(err)
	}
	var iter *string
	for _, sh := range ds.StreamDescription.Shards {
		it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: sh.ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		res, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Records) > 0 {
			iter = res.NextShardIterator
		}
	}
	if iter == nil {
		b.Fatal("the first record is in no shard")
	}
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := range b.N {
		put()
		acked := time.Now()
		for {
			res, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				b.Fatal(err)
			}
			iter = res.NextShardIterator
			if len(res.Records) > 0 {
				break
			}
		}
		lat[i] = time.Since(acked)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
