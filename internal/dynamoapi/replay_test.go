package dynamoapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// change is one change record reduced to what a replay needs: the item's
// key, its event, and its images in a canonical JSON form (nil: absent).
type change struct {
	key, event string
	oldImg     *string
	newImg     *string
	ttl        bool
}

// canonical writes an attribute-value map (decoded from DynamoDB JSON) as
// JSON with sorted keys.
func canonical(m map[string]any) *string {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m) // encoding/json sorts map keys
	s := string(b)
	return &s
}

// avJSON converts an SDK DynamoDB attribute value to its DynamoDB JSON.
func avJSON(v types.AttributeValue) any {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": x.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": x.Value}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": x.Value}
	case *types.AttributeValueMemberSS:
		l := make([]any, len(x.Value))
		for i, s := range x.Value {
			l[i] = s
		}
		return map[string]any{"SS": l}
	case *types.AttributeValueMemberM:
		m := map[string]any{}
		for k, e := range x.Value {
			m[k] = avJSON(e)
		}
		return map[string]any{"M": m}
	case *types.AttributeValueMemberL:
		l := make([]any, len(x.Value))
		for i, e := range x.Value {
			l[i] = avJSON(e)
		}
		return map[string]any{"L": l}
	}
	panic(fmt.Sprintf("attribute value %T not in the workload", v))
}

// savJSON converts an SDK DynamoDB Streams attribute value to its JSON.
func savJSON(v stypes.AttributeValue) any {
	switch x := v.(type) {
	case *stypes.AttributeValueMemberS:
		return map[string]any{"S": x.Value}
	case *stypes.AttributeValueMemberN:
		return map[string]any{"N": x.Value}
	case *stypes.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": x.Value}
	case *stypes.AttributeValueMemberSS:
		l := make([]any, len(x.Value))
		for i, s := range x.Value {
			l[i] = s
		}
		return map[string]any{"SS": l}
	case *stypes.AttributeValueMemberM:
		m := map[string]any{}
		for k, e := range x.Value {
			m[k] = savJSON(e)
		}
		return map[string]any{"M": m}
	case *stypes.AttributeValueMemberL:
		l := make([]any, len(x.Value))
		for i, e := range x.Value {
			l[i] = savJSON(e)
		}
		return map[string]any{"L": l}
	}
	panic(fmt.Sprintf("attribute value %T not in the workload", v))
}

func itemJSON(it map[string]types.AttributeValue) map[string]any {
	m := map[string]any{}
	for k, v := range it {
		m[k] = avJSON(v)
	}
	return m
}

func sitemJSON(it map[string]stypes.AttributeValue) map[string]any {
	if it == nil {
		return nil
	}
	m := map[string]any{}
	for k, v := range it {
		m[k] = savJSON(v)
	}
	return m
}

// keyOf is an item's key as "pk/sk".
func keyOf(img map[string]any) string {
	pk, _ := img["pk"].(map[string]any)
	sk, _ := img["sk"].(map[string]any)
	return fmt.Sprint(pk["S"], "/", sk["N"])
}

// replay applies changes (in stream order: shard by shard, parents
// before children) to an empty table and returns its items by key. It
// fails the test when a record's OldImage is not the previous record's
// NewImage for its key, when a record changes nothing, or when an event
// name does not fit the images.
func replay(t *testing.T, what string, changes []change) map[string]string {
	t.Helper()
	state := map[string]string{}
	for i, c := range changes {
		prev, had := state[c.key]
		switch {
		case !had && c.oldImg != nil:
			t.Fatalf("%s record %d (%s %s): OldImage %s but the key has no item before it", what, i, c.event, c.key, *c.oldImg)
		case had && (c.oldImg == nil || *c.oldImg != prev):
			t.Fatalf("%s record %d (%s %s): OldImage %v, want the previous NewImage %s", what, i, c.event, c.key, c.oldImg, prev)
		case c.oldImg != nil && c.newImg != nil && *c.oldImg == *c.newImg:
			t.Fatalf("%s record %d (%s %s): a record for a write that changed nothing", what, i, c.event, c.key)
		}
		want := map[bool]map[bool]string{false: {true: "INSERT"}, true: {true: "MODIFY", false: "REMOVE"}}[had][c.newImg != nil]
		if c.event != want {
			t.Fatalf("%s record %d (%s): event %s, want %s", what, i, c.key, c.event, want)
		}
		if c.newImg == nil {
			delete(state, c.key)
		} else {
			state[c.key] = *c.newImg
		}
	}
	return state
}

// TestReplay runs a randomized workload over many keys through every
// write path (PutItem, conditional puts, UpdateItem, DeleteItem,
// BatchWriteItem, TransactWriteItems, ExecuteStatement, TTL expiry) with a
// Kinesis streaming destination that is resharded halfway and a
// NEW_AND_OLD_IMAGES DynamoDB stream. Replaying either stream's records in
// stream order rebuilds exactly the table's final contents (a Scan), and
// every record's OldImage is the previous record's NewImage for its key:
// no change lost, doubled, invented or out of order.
func TestReplay(t *testing.T) {
	srv := testserver.Start(t)
	c := testserver.DynamoDBClient(srv.AWS, 8)
	kc := testserver.KinesisClient(srv.AWS)
	sc := testserver.DynamoDBStreamsClient(srv.AWS)
	ctx := context.Background()
	ok(kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("changes"), ShardCount: aws.Int32(2)}))(t)
	ok(c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("replay"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	}))(t)
	ok(c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("replay"), TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}))(t)
	ok(c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("replay"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/changes")}))(t)

	const workers, opsPerWorker, keys = 6, 150, 40
	key := func(r *rand.Rand) map[string]av {
		k := r.IntN(keys)
		return map[string]av{"pk": s("p" + strconv.Itoa(k%8)), "sk": n(strconv.Itoa(k / 8))}
	}
	itemFor := func(r *rand.Rand, k map[string]av) map[string]av {
		it := map[string]av{"pk": k["pk"], "sk": k["sk"], "a": n(strconv.Itoa(r.IntN(5)))}
		if r.IntN(2) == 0 {
			it["tags"] = &types.AttributeValueMemberSS{Value: []string{"x", strconv.Itoa(r.IntN(3) + 1)}}
		}
		if r.IntN(3) == 0 {
			it["m"] = &types.AttributeValueMemberM{Value: map[string]av{"n": n(strconv.Itoa(r.IntN(3))), "l": &types.AttributeValueMemberL{Value: []av{s("v"), &types.AttributeValueMemberBOOL{Value: true}}}}}
		}
		if r.IntN(12) == 0 {
			it["exp"] = n("1000") // long expired: time to live removes it
		}
		return it
	}
	distinctKeys := func(r *rand.Rand, count int) []map[string]av {
		seen := map[string]bool{}
		var out []map[string]av
		for len(out) < count {
			k := key(r)
			id := k["pk"].(*types.AttributeValueMemberS).Value + "/" + k["sk"].(*types.AttributeValueMemberN).Value
			if !seen[id] {
				seen[id] = true
				out = append(out, k)
			}
		}
		return out
	}
	expected := func(err error) bool {
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			return false
		}
		switch ae.ErrorCode() {
		case "ConditionalCheckFailedException", "TransactionCanceledException", "DuplicateItemException":
			return true
		}
		return false
	}
	var wg sync.WaitGroup
	var resharded sync.Once
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 42))
			for i := range opsPerWorker {
				if w == 0 && i == opsPerWorker/2 {
					resharded.Do(func() {
						_, err := kc.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("changes"), TargetShardCount: aws.Int32(4), ScalingType: ktypes.ScalingTypeUniformScaling})
						if err != nil {
							errs <- fmt.Errorf("reshard: %w", err)
						}
					})
				}
				k := key(r)
				var err error
				switch op := r.IntN(9); op {
				case 0, 1:
					_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("replay"), Item: itemFor(r, k)})
				case 2:
					_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("replay"), Item: itemFor(r, k), ConditionExpression: aws.String("attribute_not_exists(pk)")})
				case 3:
					_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("replay"), Key: k,
						UpdateExpression: aws.String("ADD a :one SET u = :u REMOVE tags"), ExpressionAttributeValues: map[string]av{":one": n("1"), ":u": n(strconv.Itoa(r.IntN(3)))}})
				case 4:
					_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("replay"), Key: k})
				case 5:
					var reqs []types.WriteRequest
					for _, bk := range distinctKeys(r, 1+r.IntN(5)) {
						if r.IntN(3) == 0 {
							reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: bk}})
						} else {
							reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: itemFor(r, bk)}})
						}
					}
					_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"replay": reqs}})
				case 6:
					ks := distinctKeys(r, 2+r.IntN(2))
					items := []types.TransactWriteItem{
						{Put: &types.Put{TableName: aws.String("replay"), Item: itemFor(r, ks[0])}},
						{Update: &types.Update{TableName: aws.String("replay"), Key: ks[1], UpdateExpression: aws.String("SET a = :a"),
							ConditionExpression: aws.String("attribute_exists(pk)"), ExpressionAttributeValues: map[string]av{":a": n(strconv.Itoa(r.IntN(5)))}}},
					}
					if len(ks) == 3 {
						items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String("replay"), Key: ks[2]}})
					}
					_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
				case 7:
					_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`UPDATE "replay" SET p = ? WHERE pk = ? AND sk = ?`),
						Parameters: []av{n(strconv.Itoa(r.IntN(3))), k["pk"], k["sk"]}})
				case 8:
					_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`INSERT INTO "replay" VALUE {'pk': ?, 'sk': ?, 'a': 7}`),
						Parameters: []av{k["pk"], k["sk"]}})
				}
				if err != nil && !expected(err) {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// Wait for time to live to remove every expired item.
	var final map[string]string
	deadline := time.Now().Add(time.Minute)
	for {
		final = map[string]string{}
		expiring := 0
		out := ok(c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("replay"), ConsistentRead: aws.Bool(true)}))(t)
		for _, it := range out.Items {
			if _, ok := it["exp"]; ok {
				expiring++
			}
			img := itemJSON(it)
			final[keyOf(img)] = *canonical(img)
		}
		if out.LastEvaluatedKey != nil {
			t.Fatal("scan of a small table paged")
		}
		if expiring == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d expired items still there after a minute", expiring)
		}
		time.Sleep(100 * time.Millisecond) // polling with a deadline
	}
	if len(final) == 0 {
		t.Fatal("the workload left an empty table: nothing to compare")
	}

	// The Kinesis destination: shards in ID order are parents before
	// children; read each to its end.
	var kChanges []change
	ttlRemoves := 0
	shards := ok(kc.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("changes")}))(t).Shards
	if len(shards) <= 2 {
		t.Fatalf("%d shards: the reshard did not happen", len(shards))
	}
	sort.Slice(shards, func(i, j int) bool { return aws.ToString(shards[i].ShardId) < aws.ToString(shards[j].ShardId) })
	for _, sh := range shards {
		it := ok(kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("changes"), ShardId: sh.ShardId, ShardIteratorType: ktypes.ShardIteratorTypeTrimHorizon}))(t).ShardIterator
		for it != nil {
			out := ok(kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it}))(t)
			for _, rec := range out.Records {
				var r struct {
					EventName    string          `json:"eventName"`
					UserIdentity json.RawMessage `json:"userIdentity"`
					DynamoDB     struct {
						Keys, NewImage, OldImage map[string]any
					} `json:"dynamodb"`
				}
				if err := json.Unmarshal(rec.Data, &r); err != nil {
					t.Fatal(err)
				}
				ch := change{key: keyOf(r.DynamoDB.Keys), event: r.EventName, oldImg: canonical(r.DynamoDB.OldImage), newImg: canonical(r.DynamoDB.NewImage),
					ttl: string(r.UserIdentity) != "null"}
				if ch.ttl {
					ttlRemoves++
				}
				kChanges = append(kChanges, ch)
			}
			if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
				break // an open shard read to its end
			}
			it = out.NextShardIterator
		}
	}
	if ttlRemoves == 0 {
		t.Fatal("no REMOVE by time to live in the workload")
	}
	if got := replay(t, "kinesis", kChanges); !equalMaps(got, final) {
		t.Fatalf("replaying %d Kinesis records gives %d items, the table has %d:\n%s", len(kChanges), len(got), len(final), diffMaps(got, final))
	}

	// The DynamoDB stream.
	arn := aws.ToString(ok(c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("replay")}))(t).Table.LatestStreamArn)
	var sChanges []change
	for _, recs := range readStream(t, sc, arn) {
		for _, r := range recs {
			sChanges = append(sChanges, change{key: keyOf(sitemJSON(r.Dynamodb.Keys)), event: string(r.EventName),
				oldImg: canonical(sitemJSON(r.Dynamodb.OldImage)), newImg: canonical(sitemJSON(r.Dynamodb.NewImage)), ttl: r.UserIdentity != nil})
		}
	}
	if got := replay(t, "dynamodb stream", sChanges); !equalMaps(got, final) {
		t.Fatalf("replaying %d DynamoDB Streams records gives %d items, the table has %d:\n%s", len(sChanges), len(got), len(final), diffMaps(got, final))
	}
	if len(sChanges) != len(kChanges) {
		t.Fatalf("%d DynamoDB Streams records, %d Kinesis records: one change each", len(sChanges), len(kChanges))
	}
	t.Logf("%d changes replayed (%d by time to live) into %d items", len(kChanges), ttlRemoves, len(final))
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func diffMaps(got, want map[string]string) string {
	var out string
	for k, v := range got {
		if w, ok := want[k]; !ok || w != v {
			out += fmt.Sprintf("  %s: replay %s, table %s\n", k, v, want[k])
		}
	}
	for k, w := range want {
		if _, ok := got[k]; !ok {
			out += fmt.Sprintf("  %s: replay none, table %s\n", k, w)
		}
	}
	return out
}
