package bench

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// TestAppendRecord: a record is valid JSON of exactly the size asked, with
// the fields the queries read.
func TestAppendRecord(t *testing.T) {
	put := time.UnixMicro(1715731200123456)
	for _, id := range []int64{0, 7, 12345, 1<<63 - 1} {
		for _, size := range []int{minRecordSize, 1024, 4096} {
			b := appendRecord([]byte("prefix"), id, size, put)
			rec := b[len("prefix"):]
			if len(rec) != size {
				t.Errorf("id %d: record of %d bytes, want %d", id, len(rec), size)
			}
			var got struct {
				ID     int64  `json:"id"`
				PutUs  int64  `json:"put_us"`
				Cat    string `json:"cat"`
				Amount int64  `json:"amount"`
				Pad    string `json:"pad"`
			}
			if err := json.Unmarshal(rec, &got); err != nil {
				t.Fatalf("id %d size %d: %v\n%s", id, size, err, rec)
			}
			if got.ID != id || got.PutUs != put.UnixMicro() || got.Cat != category(id) || got.Amount != amountOf(id) {
				t.Errorf("id %d: got %+v", id, got)
			}
		}
	}
	if c := category(12345); c != "c"+strconv.Itoa(12345%categories/10)+strconv.Itoa(12345%categories%10) || len(c) != 3 {
		t.Errorf("category(12345) = %q", c)
	}
}

// TestLatency: nearest-rank percentiles.
func TestLatency(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // 1..100 ms, unsorted
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := latency(ds)
	want := Latency{N: 100, P50: 50, P95: 95, P99: 99, Max: 100}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := latency([]time.Duration{3 * time.Millisecond}); got != (Latency{N: 1, P50: 3, P95: 3, P99: 3, Max: 3}) {
		t.Errorf("one sample: got %+v", got)
	}
	if got := latency(nil); got != (Latency{}) {
		t.Errorf("no sample: got %+v", got)
	}
}

// TestBatchSize: a PutRecords call stays within Kinesis's 500 records and
// 5 MiB.
func TestBatchSize(t *testing.T) {
	for _, tc := range []struct{ size, want int }{{100, 500}, {1024, 500}, {10 << 10, 500}, {20 << 10, 5 << 20 / (20<<10 + maxKeyLen)}, {maxRecordSize, 4}} {
		o := Options{RecordSize: tc.size}
		got := o.batchSize()
		if got != tc.want || got*(tc.size+maxKeyLen) > maxBatchBytes {
			t.Errorf("record size %d: batch %d, want %d", tc.size, got, tc.want)
		}
	}
}
