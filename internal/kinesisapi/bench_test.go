package kinesisapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// The benchmarks go through the HTTP API of a server in this process (so
// -cpuprofile sees it) over loopback, on a log on disk with fsync. The
// client sends prebuilt bodies with net/http, to keep client work out of
// the figures; run them with:
//
//	go test -run '^$' -bench . -benchtime 20x ./internal/kinesisapi

const benchRecordSize = 1024

// testAuthorization is a well-formed SigV4 Authorization header, which a
// server without configured credentials accepts.
const testAuthorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"

// rawCall posts body to operation op and returns the response body.
func rawCall(tb testing.TB, hc *http.Client, addr, op string, body []byte) []byte {
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	req.Header.Set("X-Amz-Date", "20260101T000000Z")
	req.Header.Set("Authorization", testAuthorization)
	res, err := hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("%s: %d %s", op, res.StatusCode, out)
	}
	return out
}

// putRecordsBody is a PutRecords request of n records of benchRecordSize bytes.
func putRecordsBody(stream string, n int, rng *rand.Rand) []byte {
	type entry struct {
		Data         []byte
		PartitionKey string
	}
	in := struct {
		StreamName string
		Records    []entry
	}{StreamName: stream}
	for i := 0; i < n; i++ {
		d := make([]byte, benchRecordSize)
		for j := range d {
			d[j] = byte(rng.IntN(256))
		}
		in.Records = append(in.Records, entry{d, fmt.Sprintf("key-%d", rng.IntN(1_000_000))})
	}
	b, _ := json.Marshal(in)
	return b
}

func benchHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
}

// BenchmarkPutRecords: one op is one PutRecords call of 500 records of 1 KB,
// from 4 concurrent clients into a 4-shard stream.
func BenchmarkPutRecords(b *testing.B) {
	p := startInProcess(b, nil)
	createActive(b, newClient(p.addr), "bench", 4)
	hc := benchHTTPClient()
	defer hc.CloseIdleConnections()
	const perCall = 500
	bodies := make([][]byte, 8)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range bodies {
		bodies[i] = putRecordsBody("bench", perCall, rng)
	}
	var calls atomic.Int64
	b.SetBytes(perCall * benchRecordSize)
	b.SetParallelism(2) // 2 x GOMAXPROCS clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := calls.Add(1)
			out := rawCall(b, hc, p.addr, "PutRecords", bodies[n%int64(len(bodies))])
			if !bytes.HasPrefix(out, []byte(`{"FailedRecordCount":0`)) {
				b.Fatalf("PutRecords failed: %.200s", out)
			}
		}
	})
	b.ReportMetric(float64(b.N*perCall)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPutRecord: one op is one PutRecord call of 1 KB, from 32
// concurrent clients: group commit shares each fsync among them.
func BenchmarkPutRecord(b *testing.B) {
	p := startInProcess(b, nil)
	createActive(b, newClient(p.addr), "bench1", 4)
	hc := benchHTTPClient()
	defer hc.CloseIdleConnections()
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), benchRecordSize))
	var calls atomic.Int64
	b.SetBytes(benchRecordSize)
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := calls.Add(1)
			body := fmt.Sprintf(`{"StreamName":"bench1","PartitionKey":"k%d","Data":"%s"}`, n, data)
			rawCall(b, hc, p.addr, "PutRecord", []byte(body))
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkGetRecords: one op is one GetRecords call (up to 10,000 records
// or 10 MiB) of 1 KB records, walking a one-shard stream of 50,000 records
// from TRIM_HORIZON and starting over at the end.
func BenchmarkGetRecords(b *testing.B) {
	p := startInProcess(b, nil)
	c := newClient(p.addr)
	createActive(b, c, "benchr", 1)
	hc := benchHTTPClient()
	defer hc.CloseIdleConnections()
	rng := rand.New(rand.NewPCG(3, 4))
	const total = 50_000
	for i := 0; i < total/500; i++ {
		rawCall(b, hc, p.addr, "PutRecords", putRecordsBody("benchr", 500, rng))
	}
	first := func() *string {
		res, err := c.GetShardIterator(context.Background(), &kinesis.GetShardIteratorInput{
			StreamName: aws.String("benchr"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		return res.ShardIterator
	}
	it := first()
	records := 0
	var bytesOut int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := rawCall(b, hc, p.addr, "GetRecords", []byte(`{"ShardIterator":"`+*it+`"}`))
		bytesOut += int64(len(out))
		n := bytes.Count(out, []byte(`"SequenceNumber"`))
		records += n
		// The next iterator is the response's last field but ChildShards.
		const key = `"NextShardIterator":"`
		j := bytes.LastIndex(out, []byte(key))
		if j < 0 {
			b.Fatalf("no NextShardIterator in %.200s", out)
		}
		next := out[j+len(key):]
		next = next[:bytes.IndexByte(next, '"')]
		s := string(next)
		it = &s
		if n == 0 {
			b.StopTimer()
			it = first()
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(bytesOut)/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkSubscribeToShard: one op is one SubscribeToShard subscription
// from TRIM_HORIZON that reads 50,000 records of 1 KB already in a shard,
// event by event, as an enhanced fan-out consumer does.
func BenchmarkSubscribeToShard(b *testing.B) {
	p := startInProcess(b, nil)
	c := newClient(p.addr)
	createActive(b, c, "benchs", 1)
	hc := benchHTTPClient()
	defer hc.CloseIdleConnections()
	rng := rand.New(rand.NewPCG(5, 6))
	const total = 50_000
	for i := 0; i < total/500; i++ {
		rawCall(b, hc, p.addr, "PutRecords", putRecordsBody("benchs", 500, rng))
	}
	streamARN := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/benchs")
	var bytesIn int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A consumer per subscription: one consumer may not subscribe
		// to a shard twice within 5 seconds.
		b.StopTimer()
		reg, err := c.RegisterStreamConsumer(context.Background(), &kinesis.RegisterStreamConsumerInput{
			StreamARN: streamARN, ConsumerName: aws.String(fmt.Sprint("bench-", i))})
		if err != nil {
			b.Fatal(err)
		}
		body := []byte(`{"ConsumerARN":"` + *reg.Consumer.ConsumerARN + `","ShardId":"shardId-000000000000","StartingPosition":{"Type":"TRIM_HORIZON"}}`)
		b.StartTimer()
		req, err := http.NewRequest(http.MethodPost, "http://"+p.addr+"/", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
		req.Header.Set("Authorization", testAuthorization)
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		dec := eventstream.NewDecoder()
		var buf []byte
		for got := 0; got < total; {
			msg, err := dec.Decode(res.Body, buf)
			if err != nil {
				b.Fatal(err)
			}
			buf = msg.Payload[:0]
			bytesIn += int64(len(msg.Payload))
			got += bytes.Count(msg.Payload, []byte(`"SequenceNumber"`))
		}
		res.Body.Close()
		b.StopTimer()
		if _, err := c.DeregisterStreamConsumer(context.Background(), &kinesis.DeregisterStreamConsumerInput{ConsumerARN: reg.Consumer.ConsumerARN}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*total)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(bytesIn)/b.Elapsed().Seconds()/1e6, "MB/s")
}
