package superbench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/blueshift-dev/blueshift/internal/demo"
	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// runBlueshift runs the scenario as a user would: the real binary, its
// setup statements verbatim, PutRecords through the Kinesis API, then the
// timed REFRESH of the streaming view, REFRESH of the unnest view and CALL
// of the procedure over the Postgres wire protocol. It returns the records
// with the arrival times blueshift gave them, for the other systems.
func runBlueshift(ctx context.Context, b *testing.B, recs []demo.Record) (result, []input) {
	srv := testserver.Start(b)
	conn, err := pgx.Connect(ctx, "postgres://bench@"+srv.SQL+"/dev?sslmode=disable")
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	kc := demo.NewKinesis(srv.AWS)
	if err := demo.CreateStream(ctx, kc, demo.StreamName, int32(*flagShards)); err != nil {
		b.Fatal(err)
	}
	sc, err := demo.SplitScenario()
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Exec(ctx, conn, sc.Setup...); err != nil {
		b.Fatal(err)
	}
	if err := demo.Exec(ctx, conn, sc.LoadWithoutCall()...); err != nil {
		b.Fatal(err)
	}
	inputs, err := put(ctx, kc, recs)
	if err != nil {
		b.Fatal(err)
	}
	r := result{name: "blueshift"}
	for _, sql := range []string{
		`REFRESH MATERIALIZED VIEW demo_stream_vw`,
		`REFRESH MATERIALIZED VIEW mv_demo_super_unnest`,
		`CALL SP_Customer_Transaction_Fact()`,
	} {
		r.times = append(r.times, timed(b, sql, func() error { return demo.Exec(ctx, conn, sql) }))
	}
	// The arrival times blueshift gave, by the shard and sequence number
	// PutRecords answered (the view's sequence_number is the same).
	rows, err := conn.Query(ctx, `SELECT shard_id, sequence_number, approximate_arrival_timestamp FROM demo_stream_vw`)
	if err != nil {
		b.Fatal(err)
	}
	arrival := map[[2]string]time.Time{}
	for rows.Next() {
		var shard, seq string
		var at time.Time
		if err := rows.Scan(&shard, &seq, &at); err != nil {
			b.Fatal(err)
		}
		arrival[[2]string{shard, seq}] = at
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	if len(arrival) != len(inputs) {
		b.Fatalf("%d records put, %d in the streaming view", len(inputs), len(arrival))
	}
	for i := range inputs {
		at, ok := arrival[[2]string{inputs[i].shardID, inputs[i].sequence}]
		if !ok {
			b.Fatalf("record %s/%s is not in the streaming view", inputs[i].shardID, inputs[i].sequence)
		}
		inputs[i].arrival = at
	}
	r.facts = factsPgx(ctx, b, conn)
	return r, inputs
}

// put puts recs with PutRecords calls of 500, two at a time, and returns
// them with the shard and sequence number each was given.
func put(ctx context.Context, kc *kinesis.Client, recs []demo.Record) ([]input, error) {
	inputs := make([]input, len(recs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for start := 0; start < len(recs); start += 500 {
		batch := recs[start:min(start+500, len(recs))]
		g.Go(func() error {
			entries := make([]types.PutRecordsRequestEntry, len(batch))
			for i, r := range batch {
				entries[i] = types.PutRecordsRequestEntry{Data: r.Data, PartitionKey: aws.String(r.PartitionKey)}
			}
			out, err := kc.PutRecords(gctx, &kinesis.PutRecordsInput{StreamName: aws.String(demo.StreamName), Records: entries})
			if err != nil {
				return fmt.Errorf("put records: %w", err)
			}
			if n := aws.ToInt32(out.FailedRecordCount); n > 0 {
				return fmt.Errorf("put records: %d of %d failed", n, len(batch))
			}
			for i, o := range out.Records {
				inputs[start+i] = input{partitionKey: batch[i].PartitionKey, shardID: aws.ToString(o.ShardId),
					sequence: aws.ToString(o.SequenceNumber), data: batch[i].Data}
			}
			return nil
		})
	}
	return inputs, g.Wait()
}

// factsPgx reads the fact table over pgx.
func factsPgx(ctx context.Context, b *testing.B, conn *pgx.Conn) []string {
	rows, err := conn.Query(ctx, factsQuery)
	if err != nil {
		b.Fatal(err)
	}
	var out []string
	for rows.Next() {
		cols := make([]*string, 7)
		ptrs := make([]any, 7)
		for i := range cols {
			ptrs[i] = &cols[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		out = append(out, line(cols))
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	slices.Sort(out)
	return out
}
