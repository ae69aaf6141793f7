package warehouse_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// The mapping rules and the statement's form are Redshift's, from its
// developer guide ("Loading data from an Amazon DynamoDB table", "COPY from
// Amazon DynamoDB"): attribute names match columns case-insensitively,
// unmatched columns load NULL, unmatched attributes are dropped, only
// scalar STRING and NUMBER attributes load, READRATIO is required (1-200).

func dynamoTable(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []dtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: dtypes.ScalarAttributeTypeS}},
		KeySchema:            []dtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: dtypes.KeyTypeHash}},
		BillingMode:          dtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func dput(t *testing.T, c *dynamodb.Client, table string, item map[string]dtypes.AttributeValue) {
	t.Helper()
	if _, err := c.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		t.Fatal(err)
	}
}

func ds(v string) dtypes.AttributeValue { return &dtypes.AttributeValueMemberS{Value: v} }
func dn(v string) dtypes.AttributeValue { return &dtypes.AttributeValueMemberN{Value: v} }

// TestCopyFromDynamoDB loads a DynamoDB table through pgx and psql, and
// checks that bad input fails with a clear SQLSTATE and loads nothing.
func TestCopyFromDynamoDB(t *testing.T) {
	e := newStreamEnv(t)
	c := testserver.DynamoDBClient(e.srv.AWS, 0)
	dynamoTable(t, c, "ProductCatalog")
	dput(t, c, "ProductCatalog", map[string]dtypes.AttributeValue{"id": ds("m1"), "Title": ds("Alien"), "year": dn("1979"), "rating": dn("8.5"), "tags": &dtypes.AttributeValueMemberSS{Value: []string{"scifi"}}})
	dput(t, c, "ProductCatalog", map[string]dtypes.AttributeValue{"id": ds("m2"), "Title": ds(""), "year": dn("1986")})
	dput(t, c, "ProductCatalog", map[string]dtypes.AttributeValue{"id": ds("m3"), "YEAR": dn("2001"), "extra": &dtypes.AttributeValueMemberBOOL{Value: true}})
	e.exec(`CREATE TABLE favoritemovies (id varchar(10), title varchar(40), year int, rating decimal(3,1), director varchar(20))`)
	tag, err := e.pg.Exec(e.ctx, `copy favoritemovies from 'dynamodb://ProductCatalog' iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole' readratio 50`)
	if err != nil {
		t.Fatal(err)
	}
	if tag.String() != "COPY 3" {
		t.Fatalf("command tag %q, want COPY 3", tag)
	}
	got := e.textRows(`SELECT id, coalesce(title, '<null>'), year, coalesce(rating::varchar, '<null>'), coalesce(director, '<null>') FROM favoritemovies ORDER BY id`)
	want := [][]string{{"m1", "Alien", "1979", "8.5", "<null>"}, {"m2", "", "1986", "<null>", "<null>"}, {"m3", "<null>", "2001", "<null>", "<null>"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("loaded\n got %v\nwant %v", got, want)
	}
	// EMPTYASNULL loads an empty string as NULL; a column list limits the load.
	e.exec(`CREATE TABLE titles (id varchar(10), title varchar(40))`)
	e.exec(`COPY titles (id, title) FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO AS 10 REGION AS 'us-east-1' EMPTYASNULL`)
	if got := e.textRows(`SELECT id, coalesce(title, '<null>') FROM titles ORDER BY id`); fmt.Sprint(got) != "[[m1 Alien] [m2 <null>] [m3 <null>]]" {
		t.Fatalf("EMPTYASNULL: %v", got)
	}

	// A value longer than its VARCHAR(n) column fails the load (Redshift's
	// "String length exceeds DDL length"); TRUNCATECOLUMNS (COPY's data
	// conversion parameters: "Truncates data in columns to the appropriate
	// number of characters so that it fits the column specification") keeps
	// the first n bytes, in whole characters: 'Été' is five bytes, 'Ét' three.
	dput(t, c, "ProductCatalog", map[string]dtypes.AttributeValue{"id": ds("m5"), "Title": ds("Été")})
	e.exec(`CREATE TABLE short_titles (id varchar(10), title varchar(3))`)
	if pe := e.execErr(`COPY short_titles FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO 50`); pe.Code != "22001" || pe.Message != "value too long for type character varying(3)" {
		t.Fatalf("over-long value: %s %q", pe.Code, pe.Message)
	}
	e.exec(`COPY short_titles FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO 50 TRUNCATECOLUMNS`)
	if got := e.textRows(`SELECT id, coalesce(title, '<null>') FROM short_titles ORDER BY id`); fmt.Sprint(got) != "[[m1 Ali] [m2 ] [m3 <null>] [m5 Ét]]" {
		t.Fatalf("TRUNCATECOLUMNS: %v", got)
	}
	if _, err := c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("ProductCatalog"), Key: map[string]dtypes.AttributeValue{"id": ds("m5")}}); err != nil {
		t.Fatal(err)
	}

	// Bad input: a clear SQLSTATE, and nothing loaded.
	e.exec(`CREATE TABLE withtags (id varchar(10), tags varchar(100))`)
	for _, tc := range []struct{ sql, code, msg string }{
		{`COPY favoritemovies FROM 'dynamodb://NoSuchTable' IAM_ROLE default READRATIO 50`, "42P01", `COPY from DynamoDB: table "NoSuchTable" does not exist`},
		{`COPY withtags FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO 50`, "42804", `COPY from DynamoDB table "ProductCatalog": attribute "tags" has type SS; only STRING (S) and NUMBER (N) attributes load (column "tags")`},
		{`COPY favoritemovies FROM 'dynamodb://ProductCatalog' IAM_ROLE default`, "42601", `COPY from DynamoDB: READRATIO is required`},
		{`COPY favoritemovies FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO 0`, "22023", `READRATIO 0: want an integer from 1 to 200`},
		{`COPY favoritemovies FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO 50 MAXERROR 10`, "0A000", `COPY from DynamoDB: option MAXERROR is not supported`},
		{`COPY nosuchtable FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO 50`, "42P01", ""},
	} {
		pe := e.execErr(tc.sql)
		if pe.Code != tc.code || (tc.msg != "" && pe.Message != tc.msg) {
			t.Errorf("%s:\n got %s %q\nwant %s %q", tc.sql, pe.Code, pe.Message, tc.code, tc.msg)
		}
	}
	if got := e.textRows(`SELECT count(*) FROM withtags`); got[0][0] != "0" {
		t.Fatalf("a failed COPY loaded %s rows", got[0][0])
	}
	if got := e.textRows(`SELECT count(*) FROM favoritemovies`); got[0][0] != "3" {
		t.Fatalf("failed COPYs changed favoritemovies: %s rows", got[0][0])
	}
	// Two attributes differing only in case fail the load.
	dput(t, c, "ProductCatalog", map[string]dtypes.AttributeValue{"id": ds("m4"), "Price": dn("1"), "PRICE": dn("2")})
	pe := e.execErr(`COPY titles FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO 50`)
	if pe.Code != "22000" || !strings.Contains(pe.Message, `"PRICE" and "Price", which differ only in case`) {
		t.Fatalf("case-duplicate attributes: %s %q", pe.Code, pe.Message)
	}
	if got := e.textRows(`SELECT count(*) FROM titles`); got[0][0] != "3" {
		t.Fatalf("a failed COPY changed titles: %s rows", got[0][0])
	}
	if _, err := c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("ProductCatalog"), Key: map[string]dtypes.AttributeValue{"id": ds("m4")}}); err != nil {
		t.Fatal(err)
	}

	// In a stored procedure, the procedure's transaction holds the load
	// (a load procedure's TRUNCATE then COPY, as Redshift's documentation
	// loads a staging table).
	e.exec(`CREATE TABLE inproc (id varchar(10), year int)`)
	e.exec(`CREATE OR REPLACE PROCEDURE load_inproc() AS $$
BEGIN
  TRUNCATE inproc;
  COPY inproc FROM 'dynamodb://ProductCatalog' IAM_ROLE default READRATIO 50;
END;
$$ LANGUAGE plpgsql`)
	e.exec(`CALL load_inproc()`)
	e.exec(`CALL load_inproc()`)
	if got := e.textRows(`SELECT count(*) FROM inproc`); got[0][0] != "3" {
		t.Fatalf("COPY from DynamoDB in a procedure, called twice: %s rows, want 3", got[0][0])
	}

	// psql, as a script runs it.
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Log("psql not installed: skipping its part")
		return
	}
	host, port, _ := strings.Cut(e.srv.SQL, ":")
	e.exec(`CREATE TABLE viapsql (id varchar(10), year int)`)
	out, err := exec.Command(psql, "-h", host, "-p", port, "-U", "blueshift", "-d", "dev", "-X", "-v", "ON_ERROR_STOP=1",
		"-c", `COPY viapsql FROM 'dynamodb://ProductCatalog' IAM_ROLE 'arn:aws:iam::0123456789012:role/MyRedshiftRole' READRATIO 50;`).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "COPY 3" {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	out, _ = exec.Command(psql, "-h", host, "-p", port, "-U", "blueshift", "-d", "dev", "-X",
		"-c", `COPY viapsql FROM 'dynamodb://Missing' IAM_ROLE default READRATIO 50;`).CombinedOutput()
	if !strings.Contains(string(out), `ERROR:  COPY from DynamoDB: table "Missing" does not exist`) {
		t.Fatalf("psql error output:\n%s", out)
	}
}

// textRows runs a query and returns its rows as text.
func (e *streamEnv) textRows(sql string) [][]string {
	e.t.Helper()
	rs, err := e.pg.Query(e.ctx, sql)
	if err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	defer rs.Close()
	var out [][]string
	for rs.Next() {
		vals, err := rs.Values()
		if err != nil {
			e.t.Fatal(err)
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return out
}

// TestCopyFromDynamoDBWithStream is the documented way to load existing
// items and then the changes that follow, with none lost or doubled across
// the boundary: enable the streaming destination first, then COPY (while
// writers keep changing the table), then merge every change record over
// the loaded rows, the latest record per key winning (a REMOVE deletes).
// The result equals the DynamoDB table.
func TestCopyFromDynamoDBWithStream(t *testing.T) {
	e := newStreamEnv(t)
	c := testserver.DynamoDBClient(e.srv.AWS, 4)
	ctx := e.ctx
	e.createStream("changes", 2)
	dynamoTable(t, c, "accounts")
	for i := range 50 {
		dput(t, c, "accounts", map[string]dtypes.AttributeValue{"id": ds(fmt.Sprintf("a%02d", i)), "balance": dn(fmt.Sprint(i))})
	}
	if _, err := c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("accounts"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/changes")}); err != nil {
		t.Fatal(err)
	}
	e.exec(`CREATE TABLE accounts (id varchar(10), balance int)`)
	// Writers change the table before, during and after the COPY.
	var stop atomic.Bool
	var wg sync.WaitGroup
	var writes atomic.Int64
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load() || i < 30; i++ {
				id := ds(fmt.Sprintf("a%02d", (i*7+w*13)%60))
				var err error
				switch i % 3 {
				case 0, 1:
					_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("accounts"), Key: map[string]dtypes.AttributeValue{"id": id},
						UpdateExpression: aws.String("ADD balance :d"), ExpressionAttributeValues: map[string]dtypes.AttributeValue{":d": dn(fmt.Sprint(w + 1))}})
				case 2:
					_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("accounts"), Key: map[string]dtypes.AttributeValue{"id": id}})
				}
				if err != nil {
					t.Error(err)
					return
				}
				writes.Add(1)
			}
		}()
	}
	e.exec(`COPY accounts FROM 'dynamodb://accounts' IAM_ROLE default READRATIO 100`)
	stop.Store(true)
	wg.Wait()
	if writes.Load() < 90 {
		t.Fatalf("only %d writes", writes.Load())
	}

	// Every change record since the destination was enabled, in stream
	// order (a key's records are in one shard, in commit order).
	e.exec(`CREATE TABLE account_changes (ord int, id varchar(10), event varchar(10), balance int)`)
	shards, err := e.kc.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("changes")})
	if err != nil {
		t.Fatal(err)
	}
	ord := 0
	for _, sh := range shards.Shards {
		it, err := e.kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("changes"), ShardId: sh.ShardId, ShardIteratorType: ktypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		for iter != nil {
			out, err := e.kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range out.Records {
				var rec struct {
					EventName string `json:"eventName"`
					DynamoDB  struct {
						Keys     map[string]map[string]string
						NewImage map[string]map[string]string
					} `json:"dynamodb"`
				}
				if err := json.Unmarshal(r.Data, &rec); err != nil {
					t.Fatal(err)
				}
				bal := "NULL"
				if b, ok := rec.DynamoDB.NewImage["balance"]; ok {
					bal = b["N"]
				}
				ord++
				e.exec(fmt.Sprintf(`INSERT INTO account_changes VALUES (%d, '%s', '%s', %s)`, ord, rec.DynamoDB.Keys["id"]["S"], rec.EventName, bal))
			}
			if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
				break
			}
			iter = out.NextShardIterator
		}
	}
	// The merge: the latest record per key replaces the loaded row.
	e.exec(`DELETE FROM accounts WHERE id IN (SELECT id FROM account_changes)`)
	e.exec(`INSERT INTO accounts
		SELECT id, balance FROM (SELECT id, event, balance, row_number() OVER (PARTITION BY id ORDER BY ord DESC) AS rn FROM account_changes) latest
		WHERE rn = 1 AND event <> 'REMOVE'`)

	var want []string
	scan, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("accounts")})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range scan.Items {
		want = append(want, it["id"].(*dtypes.AttributeValueMemberS).Value+"="+it["balance"].(*dtypes.AttributeValueMemberN).Value)
	}
	sort.Strings(want)
	var got []string
	for _, r := range e.textRows(`SELECT id, balance FROM accounts ORDER BY id`) {
		got = append(got, r[0]+"="+r[1])
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("COPY plus merged changes (%d records):\n got %v\nwant %v", ord, got, want)
	}
	t.Logf("%d writes, %d change records merged over the COPY into %d rows", writes.Load(), ord, len(got))
}
