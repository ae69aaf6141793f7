package expr

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Texts: real DynamoDB answers quoted in client projects ("Filter
// Expression can only contain non-primary key attributes: Primary key
// attribute: gsi1sk") and dynalite's tests of QueryFilter.
func TestCheckQueryFilter(t *testing.T) {
	vals := map[string]attr.Value{":v": n("1")}
	c, err := ParseFilter("x = :v AND (sk <> :v OR pk.y = :v)", &Params{Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.TopNames(); len(got) != 3 || got[0] != "x" || got[1] != "sk" || got[2] != "pk" {
		t.Errorf("TopNames: %v", got)
	}
	if err := CheckQueryFilter(c, false, "pk", "sk"); err == nil || err.Error() != "Filter Expression can only contain non-primary key attributes: Primary key attribute: pk" {
		t.Errorf("expression: %v", err)
	}
	if err := CheckQueryFilter(c, false, "other", "sk"); err == nil || err.Error() != "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk" {
		t.Errorf("sort key: %v", err)
	}
	lc, err := ConvertFilter(map[string]LegacyCondition{"a": {ComparisonOperator: "NOT_NULL"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckQueryFilter(lc, true, "a", ""); err == nil || err.Error() != "QueryFilter can only contain non-primary key attributes: Primary key attribute: a" {
		t.Errorf("legacy: %v", err)
	}
	if err := CheckQueryFilter(c, false, "q", "r"); err != nil {
		t.Errorf("no key attribute: %v", err)
	}
}
