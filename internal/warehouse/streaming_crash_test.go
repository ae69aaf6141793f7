package warehouse_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// TestStreamingCrash puts records while AUTO REFRESH ingests them and kills
// the server with SIGKILL at random moments (when the view has reached a
// random share of the records acknowledged so far), several times. After the
// last restart the view must hold exactly the acknowledged records: none
// lost, none twice.
func TestStreamingCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	e := newStreamEnv(t)
	e.createStream("crash", 2)
	e.exec(`CREATE EXTERNAL SCHEMA k FROM KINESIS IAM_ROLE default`)
	e.exec(`CREATE MATERIALIZED VIEW v AUTO REFRESH YES AS
		SELECT shard_id, sequence_number, json_parse(kinesis_data) AS payload FROM k.crash`)
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	pad := strings.Repeat("x", 900)
	var acked []rec
	const rounds, perRound = 4, 3000
	for round := range rounds {
		for b := 0; b < perRound; b += 250 {
			entries := make([]types.PutRecordsRequestEntry, 250)
			for i := range entries {
				n := round*perRound + b + i
				entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("k%d", n)),
					Data: []byte(fmt.Sprintf(`{"n":%d,"pad":"%s"}`, n, pad))}
			}
			out, err := e.kc.PutRecords(e.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("crash"), Records: entries})
			if err != nil {
				t.Fatalf("put: %v", err)
			}
			for _, r := range out.Records {
				if r.ErrorCode != nil {
					t.Fatalf("put: %s", aws.ToString(r.ErrorMessage))
				}
				acked = append(acked, rec{aws.ToString(r.ShardId), aws.ToString(r.SequenceNumber)})
			}
		}
		// Kill once the view has loaded a random share of what was acked:
		// the auto refresh is most likely mid-batch.
		target := int64(len(acked) - perRound + rng.IntN(perRound))
		deadline := time.Now().Add(60 * time.Second)
		seen := e.count("SELECT count(*) FROM v")
		for ; seen < target; seen = e.count("SELECT count(*) FROM v") {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: view stuck at %d rows, want %d\n%s", round, seen, target, e.srv.Logs())
			}
		}
		t.Logf("round %d: kill with %d of %d acknowledged records seen", round, seen, len(acked))
		e.srv.Kill()
		e.srv.Restart()
		e.connect()
		e.kc = kinesisClient(e.srv.AWS)
	}
	e.waitCount("SELECT count(*) FROM v", int64(len(acked)))
	sameRecs(t, e.rows("v"), acked)
	if n := e.count("SELECT count(DISTINCT (shard_id, sequence_number)) FROM v"); n != int64(len(acked)) {
		t.Fatalf("%d distinct records, want %d", n, len(acked))
	}
}
