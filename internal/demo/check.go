package demo

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/jackc/pgx/v5"
)

// The check that the exact load is exact: the fact table against the
// application table, row by row. Both sides are rendered as text rows keyed
// by the fact table's key (Customer_ID, Transaction_ID).

// Facts maps a fact row's key ("Customer_ID | Transaction_ID") to its row
// ("Customer_ID | Transaction_ID | percent | amount | max | provider |
// completion", NULL for a missing value).
type Facts map[string]string

// FactOf projects an application item to its fact row, as the article's
// SQL does: Customer_ID is pk after its first '#', Transaction_ID is sk
// after '#TRANSACTION' (all of sk when absent, since SQL's position() is
// then 0), OutofPocket_Percent a numeric(5,2), the amounts integers, the
// completion time a timestamp in UTC. It returns the key and the row.
func FactOf(item map[string]types.AttributeValue) (string, string) {
	str := func(name string) string {
		if v, ok := item[name].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return "NULL"
	}
	num := func(name string, scale int) string {
		v, ok := item[name].(*types.AttributeValueMemberN)
		if !ok {
			return "NULL"
		}
		f, err := strconv.ParseFloat(v.Value, 64)
		if err != nil {
			return "invalid number " + v.Value
		}
		return strconv.FormatFloat(f, 'f', scale, 64)
	}
	pk, sk := str("pk"), str("sk")
	cust := pk[strings.Index(pk, "#")+1:]
	txn := sk
	if i := strings.Index(sk, "#TRANSACTION"); i >= 0 {
		txn = sk[i+1:]
	}
	when := str("completionDateTime")
	if t, err := time.Parse(time.RFC3339, when); err == nil {
		when = t.UTC().Format("2006-01-02 15:04:05")
	}
	key := cust + " | " + txn
	return key, strings.Join([]string{cust, txn, num("OutofPockPercent", 2), num("OutofPockAmount", 0),
		num("OutofPockMax", 0), str("Provider"), when}, " | ")
}

// TableFacts scans the application table and projects each item with FactOf.
func TableFacts(ctx context.Context, db *dynamodb.Client) (Facts, error) {
	out := Facts{}
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(TableName), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("demo: scan %s: %w", TableName, err)
		}
		for _, it := range page.Items {
			k, row := FactOf(it)
			out[k] = row
		}
	}
	return out, nil
}

// ExactFactsQuery reads the exact fact table in FactOf's text form.
const ExactFactsQuery = `select Customer_ID, Transaction_ID, OutofPocket_Percent::varchar, OutofPock_Amount::varchar,
	OutofPocket_Max::varchar, Provider, to_char(completion_datetime, 'YYYY-MM-DD HH24:MI:SS')
	from Customer_Transaction_Fact_Exact`

// QueryFacts runs a query of seven columns in ExactFactsQuery's form and
// returns its rows. A key found twice is reported as a duplicate row.
func QueryFacts(ctx context.Context, conn *pgx.Conn, query string) (Facts, error) {
	rows, err := conn.Query(ctx, query, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, fmt.Errorf("demo: read the fact table: %w", err)
	}
	defer rows.Close()
	out := Facts{}
	for rows.Next() {
		vals := rows.RawValues()
		cells := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = string(v)
			}
		}
		k := cells[0] + " | " + cells[1]
		row := strings.Join(cells, " | ")
		if prev, dup := out[k]; dup {
			row = "DUPLICATE: " + prev + " AND " + row
		}
		out[k] = row
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("demo: read the fact table: %w", err)
	}
	return out, nil
}

// DiffFacts compares the fact table (got) with what the application table
// implies (want), and names each key that differs and how. Empty means
// equal.
func DiffFacts(want, got Facts) []string {
	return DiffFactsWhy(want, got, [3]string{
		"in the application table, missing from the fact table (a lost change)",
		"fact row differs from the item (a change lost, applied twice or out of order)",
		"in the fact table, not in the application table (a delete not applied)",
	})
}

// DiffFactsWhy is DiffFacts with its own explanations of a key missing from
// got, a row that differs, and a key only in got.
func DiffFactsWhy(want, got Facts, why [3]string) []string {
	var out []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: %s: want %s", k, why[0], w))
		case g != w:
			out = append(out, fmt.Sprintf("%s: %s:\n\tgot  %s\n\twant %s", k, why[1], g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%s: %s: %s", k, why[2], g))
		}
	}
	sort.Strings(out)
	return out
}

// StreamRecords reads the stream from its start through the Kinesis API
// and returns how many records it holds.
func StreamRecords(ctx context.Context, kc *kinesis.Client, stream string) (int, error) {
	shards, err := kc.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		return 0, fmt.Errorf("demo: list shards: %w", err)
	}
	total := 0
	for _, sh := range shards.Shards {
		it, err := kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream),
			ShardId: sh.ShardId, ShardIteratorType: ktypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			return 0, fmt.Errorf("demo: shard iterator: %w", err)
		}
		iter := it.ShardIterator
		for iter != nil {
			out, err := kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(10000)})
			if err != nil {
				return 0, fmt.Errorf("demo: get records: %w", err)
			}
			total += len(out.Records)
			if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
				break
			}
			iter = out.NextShardIterator
		}
	}
	return total, nil
}

// caughtUpQuery counts the streaming view's rows and the shards whose last
// record the exact load has not reached yet.
const caughtUpQuery = `select (select count(*) from demo_stream_vw),
	(select count(*) from (
		select shard_id, max(len(sequence_number)) as l, max(sequence_number) as s from demo_stream_vw group by shard_id) v
	 left join Customer_Transaction_Fact_Exact_Position p on p.shard_id = v.shard_id
	 where p.sequence_number is null or len(p.sequence_number) < v.l
	    or (len(p.sequence_number) = v.l and p.sequence_number < v.s))`

// WaitExactLoaded waits until the streaming view holds records rows and
// the exact load has read each shard's last one, polling until ctx ends.
// (Sequence numbers of one shard all have the same length, so a shard's
// greatest is its max.)
func WaitExactLoaded(ctx context.Context, conn *pgx.Conn, records int64) error {
	var rows, behind int64
	for {
		err := conn.QueryRow(ctx, caughtUpQuery, pgx.QueryExecModeSimpleProtocol).Scan(&rows, &behind)
		switch {
		case err != nil && ctx.Err() == nil:
			return fmt.Errorf("demo: read the exact load's position: %w", err)
		case err == nil && rows == records && behind == 0:
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: the exact load did not catch up: the streaming view holds %d of %d records, %d shards not loaded to their end: %w",
				rows, records, behind, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
