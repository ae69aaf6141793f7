package expr

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

func benchParams() *Params {
	return &Params{
		Names:  map[string]string{"#pr": "ProductReviews"},
		Values: map[string]attr.Value{":lo": n("100"), ":hi": n("1000"), ":red": s("Red"), ":one": n("1"), ":l": attr.List(n("7"))},
	}
}

const benchCond = "Price BETWEEN :lo AND :hi AND contains(Color, :red) AND attribute_exists(#pr.FiveStar[0]) OR size(RelatedItems) > :one"
const benchUpdate = "SET Price = Price + :one, RelatedItems = list_append(RelatedItems, :l) REMOVE Brand ADD Qty :one"

func BenchmarkParseCondition(b *testing.B) {
	for b.Loop() {
		if _, err := ParseCondition(benchCond, benchParams()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalCondition(b *testing.B) {
	c, err := ParseCondition(benchCond, benchParams())
	if err != nil {
		b.Fatal(err)
	}
	it := testItem()
	for b.Loop() {
		if ok, _ := c.Eval(it); !ok {
			b.Fatal("false")
		}
	}
}

func BenchmarkParseUpdate(b *testing.B) {
	for b.Loop() {
		if _, err := ParseUpdate(benchUpdate, benchParams()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyUpdate(b *testing.B) {
	u, err := ParseUpdate(benchUpdate, benchParams())
	if err != nil {
		b.Fatal(err)
	}
	it := testItem()
	for b.Loop() {
		if _, _, err := u.Apply(it); err != nil {
			b.Fatal(err)
		}
	}
}
