package dynamoapi_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestKillWithStreamingDestination kills the server with SIGKILL, twice,
// while writers put new items and update a counter with the destination
// and a DynamoDB stream on; after restart the table and the change records
// of both agree exactly: one INSERT per item in the table and none for an
// item that is not, one MODIFY per counter increment, and every
// acknowledged write among them.
func TestKillWithStreamingDestination(t *testing.T) {
	srv := testserver.Start(t)
	c := testserver.DynamoDBClient(srv.AWS, 8)
	kc := testserver.KinesisClient(srv.AWS)
	ctx := context.Background()
	ok(kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("changes"), ShardCount: aws.Int32(3)}))(t)
	benchTable(t, c, "cap")
	ok(c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("cap"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/changes")}))(t)
	ok(c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("cap"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}}))(t)
	const writers = 6
	var mu sync.Mutex
	ackedPuts := map[string]bool{}
	ackedIncs := 0
	seq := 0
	for round := range 2 {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if i%3 == 2 {
						_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("cap"), Key: map[string]av{"pk": s("counter"), "sk": n("0")},
							UpdateExpression: aws.String("ADD hits :one"), ExpressionAttributeValues: map[string]av{":one": n("1")}})
						if err == nil {
							mu.Lock()
							ackedIncs++
							mu.Unlock()
						}
						continue
					}
					mu.Lock()
					seq++
					pk := fmt.Sprint("r", round, "w", w, "-", seq)
					mu.Unlock()
					if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("cap"), Item: map[string]av{"pk": s(pk), "sk": n("1")}}); err == nil {
						mu.Lock()
						ackedPuts[pk] = true
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(400 * time.Millisecond) // let writes run before the crash; the checks do not depend on it
		srv.Kill()
		close(stop)
		wg.Wait()
		srv.Restart()
		c = testserver.DynamoDBClient(srv.AWS, 8)
		kc = testserver.KinesisClient(srv.AWS)
	}
	inTable := map[string]bool{}
	hits := 0
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String("cap")})
	for p.HasMorePages() {
		for _, it := range ok(p.NextPage(ctx))(t).Items {
			pk := it["pk"].(*types.AttributeValueMemberS).Value
			if pk == "counter" {
				fmt.Sscan(it["hits"].(*types.AttributeValueMemberN).Value, &hits)
				continue
			}
			inTable[pk] = true
		}
	}
	for pk := range ackedPuts {
		if !inTable[pk] {
			t.Errorf("acknowledged put %s lost", pk)
		}
	}
	if hits < ackedIncs {
		t.Errorf("counter: %d in the table, %d acknowledged increments", hits, ackedIncs)
	}
	// check compares one stream's records (event and pk) with the table.
	check := func(what string, events, pks []string) {
		inserts := map[string]int{}
		modifies := 0
		for i, pk := range pks {
			switch {
			case pk == "counter":
				if events[i] == "MODIFY" || events[i] == "INSERT" {
					modifies++
				}
			case events[i] == "INSERT":
				inserts[pk]++
			default:
				t.Errorf("%s: unexpected record %s %s", what, events[i], pk)
			}
		}
		for pk := range inTable {
			if inserts[pk] != 1 {
				t.Errorf("%s: item %s has %d INSERT records, want 1", what, pk, inserts[pk])
			}
		}
		for pk := range inserts {
			if !inTable[pk] {
				t.Errorf("%s: INSERT record for %s, which is not in the table", what, pk)
			}
		}
		if modifies != hits {
			t.Errorf("%s: counter %d in the table, %d records", what, hits, modifies)
		}
	}
	var events, pks []string
	for _, r := range readChanges(t, kc) {
		events, pks = append(events, r.EventName), append(pks, r.DynamoDB.Keys["pk"]["S"].(string))
	}
	check("kinesis destination", events, pks)
	events, pks = nil, nil
	arn := aws.ToString(ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("cap")}))(t).Table.LatestStreamArn)
	for _, recs := range readStream(t, testserver.DynamoDBStreamsClient(srv.AWS), arn) {
		for _, r := range recs {
			events, pks = append(events, string(r.EventName)), append(pks, keyS(r.Dynamodb.Keys, "pk"))
		}
	}
	check("dynamodb stream", events, pks)
	if len(ackedPuts) == 0 {
		t.Fatal("no put acknowledged before the kills")
	}
	t.Logf("%d items, %d acknowledged puts, %d increments", len(inTable), len(ackedPuts), hits)
}
