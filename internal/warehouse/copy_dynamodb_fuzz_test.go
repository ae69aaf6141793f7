package warehouse

import (
	"errors"
	"testing"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// FuzzParseCopyDynamoDB: any text either is not a COPY from DynamoDB, or
// parses (internal/sql's ast.Copy, then copyDynamoDBStmt), or is refused
// with an SQL error; never a crash.
func FuzzParseCopyDynamoDB(f *testing.F) {
	for _, s := range []string{
		`copy favoritemovies from 'dynamodb://ProductCatalog' iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole' readratio 50;`,
		`COPY s.t (a, "B") FROM 'dynamodb://T' CREDENTIALS 'aws_access_key_id=x;aws_secret_access_key=y' READRATIO AS 200 REGION AS 'eu-west-1' EMPTYASNULL BLANKSASNULL`,
		`COPY t FROM 'dynamodb://' READRATIO 1`, `COPY t FROM 'dynamodb://x' READRATIO`, `COPY t FROM 'dynamodb://x' MAXERROR 5`,
		`COPY t FROM STDIN`, `COPY (`, `COPY t (a FROM 'dynamodb://x'`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var c *copyDynamoDB
		tr, err := bsql.Translate(text, bsql.Options{})
		n, ok := (*ast.Copy)(nil), false
		if err == nil {
			n, ok = tr.Stmt.(*ast.Copy)
			ok = ok && n.Source != ""
		}
		if ok {
			c, err = copyDynamoDBStmt(n, bsql.Options{})
		}
		var se *sqlerr.Error
		switch {
		case err != nil && !errors.As(err, &se):
			t.Fatalf("%q: a non-SQL error %v", text, err)
		case ok && err == nil && (c == nil || c.source == "" || c.table == ""):
			t.Fatalf("%q: parsed without a table or source: %+v", text, c)
		}
	})
}
