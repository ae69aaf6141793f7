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

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestKillDuringWrites kills the server with SIGKILL while writers run
// PutItem and TransactWriteItems calls, restarts it, and checks: every
// acknowledged write is there; each transaction (two puts and an ADD to
// the writer's counter) is there whole or not at all, acknowledged or not,
// so the counter equals the number of complete transactions.
func TestKillDuringWrites(t *testing.T) {
	srv := testserver.Start(t)
	c := testserver.DynamoDBClient(srv.AWS, 8)
	ctx := context.Background()
	benchTable(t, c, "crash")
	const writers, rounds = 6, 2
	type acks struct {
		puts, txs []int
	}
	acked := make([]acks, writers)
	next := make([]int, writers) // next iteration per writer, across rounds
	for round := range rounds {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					i := next[w]
					next[w]++
					pk := fmt.Sprint("w", w)
					var err error
					if i%2 == 0 {
						_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("crash"), Item: map[string]av{"pk": s(pk), "sk": n(fmt.Sprint(i)), "round": n(fmt.Sprint(round))}})
						if err == nil {
							acked[w].puts = append(acked[w].puts, i)
						}
						continue
					}
					_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
						{Put: &types.Put{TableName: aws.String("crash"), Item: map[string]av{"pk": s(pk + "-a"), "sk": n(fmt.Sprint(i))}}},
						{Put: &types.Put{TableName: aws.String("crash"), Item: map[string]av{"pk": s(pk + "-b"), "sk": n(fmt.Sprint(i))}}},
						{Update: &types.Update{TableName: aws.String("crash"), Key: map[string]av{"pk": s(pk + "-count"), "sk": n("0")},
							UpdateExpression: aws.String("ADD n :one"), ExpressionAttributeValues: map[string]av{":one": n("1")}}},
					}})
					if err == nil {
						acked[w].txs = append(acked[w].txs, i)
					}
				}
			}()
		}
		time.Sleep(time.Duration(300+200*round) * time.Millisecond) // let writes run before the crash; the checks do not depend on it
		srv.Kill()
		close(stop)
		wg.Wait()
		srv.Restart()
		c = testserver.DynamoDBClient(srv.AWS, 8)
	}
	keys := func(pk string) map[string]bool {
		out := map[string]bool{}
		p := dynamodb.NewQueryPaginator(c, &dynamodb.QueryInput{TableName: aws.String("crash"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]av{":p": s(pk)}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				out[it["sk"].(*types.AttributeValueMemberN).Value] = true
			}
		}
		return out
	}
	total := 0
	for w := range writers {
		pk := fmt.Sprint("w", w)
		puts, as, bs := keys(pk), keys(pk+"-a"), keys(pk+"-b")
		for _, i := range acked[w].puts {
			if !puts[fmt.Sprint(i)] {
				t.Errorf("writer %d: acknowledged put %d lost", w, i)
			}
		}
		for _, i := range acked[w].txs {
			if !as[fmt.Sprint(i)] {
				t.Errorf("writer %d: acknowledged transaction %d lost", w, i)
			}
		}
		for k := range as {
			if !bs[k] {
				t.Errorf("writer %d: transaction %s half applied (a without b)", w, k)
			}
		}
		for k := range bs {
			if !as[k] {
				t.Errorf("writer %d: transaction %s half applied (b without a)", w, k)
			}
		}
		cnt, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("crash"), Key: map[string]av{"pk": s(pk + "-count"), "sk": n("0")}})
		if err != nil {
			t.Fatal(err)
		}
		got := "0"
		if cnt.Item != nil {
			got = cnt.Item["n"].(*types.AttributeValueMemberN).Value
		}
		if got != fmt.Sprint(len(as)) {
			t.Errorf("writer %d: counter %s, but %d transactions are there", w, got, len(as))
		}
		total += len(acked[w].puts) + len(acked[w].txs)
	}
	if total == 0 {
		t.Fatal("no write was acknowledged before the kills")
	}
	t.Logf("%d acknowledged writes checked", total)
}
