package dynamoapi_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

// BenchmarkServerPutItem measures the server alone: PutItem bodies prebuilt
// and posted with net/http from 32 goroutines to a server in this process
// (so -cpuprofile sees it), durable writes on disk. cpu-us/op is the
// process's CPU time per call, net/http's client included.
//
//	go test -run '^$' -bench ServerPutItem -benchtime 50000x -cpuprofile cpu.out ./internal/dynamoapi
func BenchmarkServerPutItem(b *testing.B) { benchServerWrite(b, false) }

// BenchmarkServerUpdateItem is BenchmarkServerPutItem with UpdateItem
// (SET score = if_not_exists(score, :z) + :one) on new items.
func BenchmarkServerUpdateItem(b *testing.B) { benchServerWrite(b, true) }

func benchServerWrite(b *testing.B, update bool) {
	sl, err := streamlog.Open(b.TempDir(), streamlog.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer sl.Close()
	st, err := tables.Open(sl, tables.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := awsjson.NewServer(nil, nil)
	srv.Register(dynamoapi.New(st, dynamoapi.Options{}).Service())
	hs := httptest.NewServer(srv)
	defer hs.Close()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	call := func(op, body string) error {
		req, _ := http.NewRequest(http.MethodPost, hs.URL, bytes.NewReader([]byte(body)))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		// A well-formed SigV4 header: with no credentials configured the
		// server checks its shape and date, not the signature.
		now := time.Now().UTC()
		req.Header.Set("X-Amz-Date", now.Format("20060102T150405Z"))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x/"+now.Format("20060102")+
			"/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("%s: %s", op, out)
		}
		return nil
	}
	if err := call("CreateTable", `{"TableName":"bench","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}`); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start, cpu0 := time.Now(), selfCPU()
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				op, body := "PutItem", fmt.Sprintf(`{"TableName":"bench","Item":{"pk":{"S":"user-%d"},"sk":{"N":"%d"},"name":{"S":"some name"},"score":{"N":"%d"},"active":{"BOOL":true}}}`, i%1000, i, i%97)
				if update {
					// BenchmarkWrites's UpdateItem, on the items the puts made.
					op, body = "UpdateItem", fmt.Sprintf(`{"TableName":"bench","Key":{"pk":{"S":"user-%d"},"sk":{"N":"%d"}},"UpdateExpression":"SET score = if_not_exists(score, :z) + :one","ExpressionAttributeValues":{":z":{"N":"0"},":one":{"N":"1"}}}`, i%1000, i)
				}
				if err := call(op, body); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
	// The client's share included: it runs in this process.
	b.ReportMetric(float64((selfCPU()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
}
