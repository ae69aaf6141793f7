package expr_test

import (
	"encoding/json"
	"fmt"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// The order of checks an UpdateItem handler makes with this package:
// which parameters are combined, the placeholders' keys, each expression,
// the unused placeholders, then the key attributes; and at write time the
// condition, the update and the UPDATED_NEW projection.
func Example_updateItem() {
	params := &expr.Params{
		Names:  map[string]string{"#c": "count"},
		Values: map[string]attr.Value{":one": attr.Num("1"), ":max": attr.Num("10")},
	}
	if err := expr.CheckParams(
		[]expr.Param{{Name: "UpdateExpression", Present: true}, {Name: "ConditionExpression", Present: true}},
		[]expr.Param{{Name: "AttributeUpdates"}, {Name: "Expected"}},
		true, true); err != nil {
		panic(err)
	}
	if err := params.CheckKeys(true, true); err != nil {
		panic(err)
	}
	upd, err := expr.ParseUpdate("SET #c = if_not_exists(#c, :one) + :one", params)
	if err != nil {
		panic(err) // a ValidationException with err.Error() as its message
	}
	cond, err := expr.ParseCondition("attribute_not_exists(#c) OR #c < :max", params)
	if err != nil {
		panic(err)
	}
	if err := params.CheckUnused(); err != nil {
		panic(err)
	}
	if err := upd.CheckKeys("pk", ""); err != nil {
		panic(err)
	}

	old := attr.Item{"pk": attr.Str("a"), "count": attr.Num("4")}
	ok, _ := cond.Eval(old)
	if !ok {
		panic("ConditionalCheckFailedException")
	}
	item, paths, err := upd.Apply(old)
	if err != nil {
		panic(err) // e.g. expr.ErrOperandType, also a ValidationException
	}
	out, _ := json.Marshal(expr.Project(item, paths))
	fmt.Println(string(out))
	// Output: {"count":{"N":"5"}}
}
