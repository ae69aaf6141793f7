package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/demo"
)

// The history phase: how the exact load's cost grows with the stream's
// history. Change records shaped like the table's streaming destination's
// are put straight into demo-data-stream through the Kinesis API (the
// application's path is far slower than what is needed to build millions
// of changes), over a fixed key space, so the fact table's size stays the
// same while the history grows. At each size the exact load, paused on its
// schedule, is called by hand after a batch of new changes, and timed.

// HistoryResult is the exact load's incremental run time with History
// change records behind it.
type HistoryResult struct {
	History   int     `json:"history_changes"`
	Batch     int     `json:"batch_changes"`
	FirstLoad float64 `json:"first_load_s"`
	Load      Latency `json:"incremental_load"`
}

// historyKeys is the key space of the history's changes.
const historyKeys = 50_000

// historyRecord is change number i: an INSERT the first time its key
// appears, a MODIFY after.
func historyRecord(i int) ([]byte, string) {
	k := i % historyKeys
	pk := "CUSTOMER#HIST_" + strconv.Itoa(k%5000)
	sk := "TRANSACTION#2026-01-01T00:00:00Z#H" + strconv.Itoa(k)
	event := "INSERT"
	if i >= historyKeys {
		event = "MODIFY"
	}
	sv := func(v string) map[string]string { return map[string]string{"S": v} }
	nv := func(v int) map[string]string { return map[string]string{"N": strconv.Itoa(v)} }
	keys := map[string]any{"pk": sv(pk), "sk": sv(sk)}
	rec := map[string]any{
		"awsRegion": "us-east-1", "eventID": strconv.Itoa(i), "eventName": event,
		"recordFormat": "application/json", "tableName": demo.TableName, "eventSource": "aws:dynamodb",
		"dynamodb": map[string]any{
			"Keys": keys,
			"NewImage": map[string]any{
				"pk": sv(pk), "sk": sv(sk), "completionDateTime": sv("2026-01-01T00:00:00Z"),
				"OutofPockPercent": map[string]string{"N": fmt.Sprintf("%d.5", 10+i%80)},
				"OutofPockAmount":  nv(100 * (1 + i%30)), "OutofPockMax": nv(1000 * (1 + i%5)),
				"Provider": sv("PV-123"), "Event": sv("TRANSACTION"),
				"calculationRequirements": map[string]any{"M": map[string]any{"dependentIds": map[string]any{"L": []any{
					map[string]any{"M": map[string]any{"pk": sv(pk), "sk": sv("CUSTOMER#2026-01-01T00:00:00Z#CUST_1")}}}}}},
			},
			"SizeBytes": 300,
		},
	}
	b, _ := json.Marshal(rec)
	return b, pk
}

// putHistory puts changes [from, to) with a few concurrent callers.
func putHistory(ctx context.Context, kc *kinesis.Client, from, to int) error {
	const callers = 4
	var wg sync.WaitGroup
	errc := make(chan error, callers)
	next := make(chan int)
	go func() {
		defer close(next)
		for lo := from; lo < to; lo += maxBatch {
			select {
			case next <- lo:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range next {
				hi := min(lo+maxBatch, to)
				entries := make([]types.PutRecordsRequestEntry, 0, hi-lo)
				for i := lo; i < hi; i++ {
					data, pk := historyRecord(i)
					entries = append(entries, types.PutRecordsRequestEntry{Data: data, PartitionKey: aws.String(pk)})
				}
				if err := putRecords(ctx, kc, demo.StreamName, entries); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return ctx.Err()
	}
}

// waitRows waits until the streaming view holds n rows.
func waitRows(ctx context.Context, conn *pgx.Conn, n int64) error {
	deadline := time.Now().Add(30 * time.Minute)
	for {
		var got int64
		if err := conn.QueryRow(ctx, "select count(*) from demo_stream_vw").Scan(&got); err != nil {
			return fmt.Errorf("bench: count the streaming view: %w", err)
		}
		if got >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bench: the streaming view holds %d of %d records after 30 minutes", got, n)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// historyPhase grows a fresh stream's history to each size in sizes and
// times the exact load there, on top of what the stream already holds.
func historyPhase(ctx context.Context, o *PipelineOptions, kc *kinesis.Client, conn *pgx.Conn, sizes []int, batch, rounds int) ([]HistoryResult, error) {
	if err := demo.Exec(ctx, conn, "ALTER SCHEDULE load_customer_transaction_fact_exact PAUSE"); err != nil {
		return nil, err
	}
	call := func() (time.Duration, error) {
		start := time.Now()
		if _, err := conn.Exec(ctx, "CALL SP_Customer_Transaction_Fact_Exact()", pgx.QueryExecModeSimpleProtocol); err != nil {
			return 0, fmt.Errorf("bench: exact load: %w", err)
		}
		return time.Since(start), nil
	}
	var base int64
	if err := conn.QueryRow(ctx, "select count(*) from demo_stream_vw").Scan(&base); err != nil {
		return nil, fmt.Errorf("bench: count the streaming view: %w", err)
	}
	var out []HistoryResult
	put := 0
	for _, size := range sizes {
		o.progress("phase 3, history: putting change records up to %d, then %d rounds of %d more", size, rounds, batch)
		if size > put {
			if err := putHistory(ctx, kc, put, size); err != nil {
				return nil, err
			}
			put = size
		}
		if err := waitRows(ctx, conn, base+int64(put)); err != nil {
			return nil, err
		}
		first, err := call()
		if err != nil {
			return nil, err
		}
		var runs []time.Duration
		for range rounds {
			if err := putHistory(ctx, kc, put, put+batch); err != nil {
				return nil, err
			}
			put += batch
			if err := waitRows(ctx, conn, base+int64(put)); err != nil {
				return nil, err
			}
			d, err := call()
			if err != nil {
				return nil, err
			}
			runs = append(runs, d)
		}
		slices.Sort(runs)
		out = append(out, HistoryResult{History: size, Batch: batch, FirstLoad: first.Seconds(), Load: latency(runs)})
	}
	return out, nil
}
