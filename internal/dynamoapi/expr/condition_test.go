package expr

import (
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

func n(s string) attr.Value { return attr.Num(attr.MustNumber(s)) }
func s(x string) attr.Value { return attr.Str(x) }

// testItem is the ProductCatalog item of the DynamoDB developer guide's
// expression chapters ("Using expressions in DynamoDB").
func testItem() attr.Item {
	return attr.Item{
		"Id":              n("123"),
		"Title":           s("Bicycle 123"),
		"Description":     s("123 description"),
		"BicycleType":     s("Hybrid"),
		"Brand":           s("Brand-Company C"),
		"Price":           n("500"),
		"Color":           {T: attr.SS, Strs: []string{"Red", "Black"}},
		"ProductCategory": s("Bicycle"),
		"InStock":         attr.Boolean(true),
		"QuantityOnHand":  attr.Null(),
		"RelatedItems":    attr.List(n("341"), n("472"), n("649")),
		"Pictures": attr.Map(map[string]attr.Value{
			"FrontView": s("http://example.com/products/123_front.jpg"),
			"RearView":  s("http://example.com/products/123_rear.jpg"),
			"SideView":  s("http://example.com/products/123_left_side.jpg"),
		}),
		"ProductReviews": attr.Map(map[string]attr.Value{
			"FiveStar": attr.List(s("Excellent! Can't recommend it highly enough! Buy it!"), s("Do yourself a favor and buy this.")),
			"OneStar":  attr.List(s("Terrible product! Do not buy this.")),
		}),
		"Comment":        s("This product sells out quickly during the summer"),
		"Safety.Warning": s("Always wear a helmet"),
		"Bin":            attr.Bin([]byte{1, 2, 3}),
		"Nums":           {T: attr.NS, Strs: []string{"1", "2.5"}},
	}
}

// The expected results follow the comparison and function semantics of
// "Condition and filter expressions, operators, and functions" in the
// DynamoDB developer guide: comparators on S, N and B only, different
// types never equal, contains on strings, sets and lists, size of strings,
// binaries, sets, lists and maps.
func TestConditionEval(t *testing.T) {
	vals := map[string]attr.Value{
		":p": n("500"), ":p2": n("500.0"), ":lo": n("100"), ":hi": n("1000"), ":s500": s("500"),
		":red": s("Red"), ":green": s("Green"), ":hyb": s("Hyb"), ":bi": s("Bicycle"),
		":t_ss": s("SS"), ":t_n": s("N"), ":t_null": s("NULL"), ":t_m": s("M"),
		":three": n("3"), ":two": n("2"), ":341": n("341"), ":b12": attr.Bin([]byte{1, 2}),
		":n25": n("2.50"), ":ss": {T: attr.SS, Strs: []string{"Black", "Red"}}, ":true": attr.Boolean(true),
		":zero": n("0"), ":eleven": n("11"),
	}
	names := map[string]string{"#pr": "ProductReviews", "#sw": "Safety.Warning", "#c": "Comment"}
	cases := []struct {
		expr string
		want bool
	}{
		{"Price = :p", true},
		{"Price = :p2", true},    // numbers compare by value
		{"Price = :s500", false}, // different types are never equal
		{"Price <> :s500", true},
		{"Price < :s500", false}, // different types: no order, not an error
		{"Price BETWEEN :lo AND :hi", true},
		{"Price BETWEEN :hi AND :hi", false},
		{"Price > :lo AND Price < :hi", true},
		{"Price >= :p AND Price <= :p", true},
		{"Absent = :p", false},
		{"Absent <> :p", true},
		{"Absent < :p", false},
		{"Color = :ss", true}, // sets compare as sets
		{"attribute_exists(Price)", true},
		{"attribute_exists(Pictures.FrontView)", true},
		{"attribute_exists(Pictures.TopView)", false},
		{"attribute_not_exists(Manufacturer)", true},
		{"attribute_exists(#sw)", true},
		{"attribute_exists(Safety.Warning)", false}, // a dot is a path step, the name needs #
		{"attribute_exists(RelatedItems[2])", true},
		{"attribute_exists(RelatedItems[3])", false},
		{"attribute_exists(#pr.OneStar[0])", true},
		{"attribute_type(Color, :t_ss)", true},
		{"attribute_type(Price, :t_n)", true},
		{"attribute_type(QuantityOnHand, :t_null)", true},
		{"attribute_type(Pictures, :t_m)", true},
		{"attribute_type(Price, :t_ss)", false},
		{"begins_with(BicycleType, :hyb)", true},
		{"begins_with(Bin, :b12)", true},
		{"begins_with(Price, :hyb)", false},
		{"contains(Color, :red)", true},
		{"contains(Color, :green)", false},
		{"contains(#c, :bi)", false},
		{"contains(ProductCategory, :bi)", true},
		{"contains(RelatedItems, :341)", true},
		{"contains(Nums, :n25)", true},
		{"size(Color) = :two", true},
		{"size(RelatedItems) = :three", true},
		{"size(Pictures) = :three", true},
		{"size(Bin) = :three", true},
		{"size(Brand) = :three", false},
		{"size(Title) > :lo", false},
		{"size(Title) = :eleven", true},
		{"size(Price) = :three", false}, // a number has no size: the comparison is false
		{"size(Absent) >= :zero", false},
		{"Price IN (:lo, :p, :hi)", true},
		{"Price IN (:lo, :hi)", false},
		{"RelatedItems[0] IN (:341)", true},
		{"NOT Price = :lo", true},
		{"NOT (Price = :lo OR Price = :p)", false},
		{"Price = :lo OR Price = :p AND InStock = :true", true},
		{"(Price = :lo OR Price = :p) AND InStock = :true", true},
		{"(Price = :lo OR Price = :hi) AND InStock = :true", false},
		{"Price = :p OR Price = :lo AND InStock = :lo", true}, // AND binds tighter than OR
		{"(Price) = :p", true},
		{"(size(Color)) = :two", true},
		{"InStock = :true", true},
		{"Price=:p AND(Price<>:lo)", true},
		{"price = :p", false},              // names are case-sensitive
		{"price = :p or Price = :p", true}, // keywords are not
	}
	for _, c := range cases {
		p := &Params{Names: names, Values: vals}
		cond, err := ParseCondition(c.expr, p)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		got, err := cond.Eval(testItem())
		if err != nil || got != c.want {
			t.Errorf("%s = %v, %v; want %v", c.expr, got, err, c.want)
		}
		// Round trip through Format.
		again, err := ParseCondition(cond.Format(), &Params{Names: names, Values: vals})
		if err != nil || again.Format() != cond.Format() {
			t.Errorf("%s: Format %q reparses to %v, %v", c.expr, cond.Format(), again, err)
		}
	}
	// No item at all: every attribute is missing.
	cond, _ := ParseCondition("attribute_not_exists(Id)", &Params{})
	if ok, _ := cond.Eval(nil); !ok {
		t.Error("attribute_not_exists on no item is false")
	}
}

// Error texts. Sources: dynalite's condition grammar (architect/dynalite
// db/conditionParser.pegjs, written against real DynamoDB responses) and
// the DynamoDB API reference where it quotes them.
func TestConditionErrors(t *testing.T) {
	vals := map[string]attr.Value{":v": n("1"), ":w": n("2"), ":s": s("x"), ":bad": s("XX"), ":n": n("5"), ":m": n("3")}
	names := map[string]string{"#n": "a"}
	cases := []struct{ expr, want string }{
		{"", "Invalid ConditionExpression: The expression can not be empty;"},
		{"a =", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="`},
		{"a = :v :w", `Invalid ConditionExpression: Syntax error; token: ":w", near: ":v :w"`},
		{"a == :v", `Invalid ConditionExpression: Syntax error; token: "=", near: "== :v"`},
		{"a $ :v", `Invalid ConditionExpression: Syntax error; token: "$", near: "a $ :v"`},
		{"((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo"},
		{"attribute_exists(a) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
		// Alternator's test_update_condition_other_funcs (observed on DynamoDB).
		{"if_not_exists(a, a) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: if_not_exists"},
		{"list_append(a, a) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: list_append"},
		{"dog(a) = :v", "Invalid ConditionExpression: Invalid function name; function: dog"},
		{"name = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
		{"a.Size = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Size"},
		{"#x = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"a = :x", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
		{"begins_with(a)", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{"a = a", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"attribute_exists(:v)", "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
		{"begins_with(a, :v)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"attribute_type(a, :bad)", "Invalid ConditionExpression: Invalid attribute type name found; type: XX, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"size(:v) = :w", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"a BETWEEN :n AND :m", "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:3}"},
		{"a BETWEEN :s AND :m", "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {S:x}, upper bound operand: AttributeValue: {N:3}"},
		{"a AND :v", `Invalid ConditionExpression: Syntax error; token: "AND", near: "a AND :v"`},
	}
	for _, c := range cases {
		_, err := ParseCondition(c.expr, &Params{Names: names, Values: vals})
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v\nwant %s", c.expr, err, c.want)
		}
	}
	_, err := ParseFilter("a =", &Params{})
	if err == nil || err.Error() != `Invalid FilterExpression: Syntax error; token: "<EOF>", near: "="` {
		t.Errorf("filter: %v", err)
	}
}

func TestCheckUnused(t *testing.T) {
	// Texts and order (names first) from dynalite's validations.
	p := &Params{Names: map[string]string{"#a": "a", "#b": "b"}, Values: map[string]attr.Value{":v": n("1"), ":w": n("2")}}
	if _, err := ParseCondition("#a = :v", p); err != nil {
		t.Fatal(err)
	}
	if err := p.CheckUnused(); err == nil || err.Error() != "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}" {
		t.Errorf("got %v", err)
	}
	if _, err := ParseCondition("#b = :v", p); err != nil {
		t.Fatal(err)
	}
	if err := p.CheckUnused(); err == nil || err.Error() != "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}" {
		t.Errorf("got %v", err)
	}
}

// Syntax errors as real DynamoDB words them: the offending token, and the
// text from the token before it to the token after it. The expected texts
// are real DynamoDB responses quoted in client projects' tests and issues
// (LowVoltage's exploration tests: "a+:delta<b" and "foo"; issue reports for
// "contains (themes, :theme" and "attribute_not_exists("; moto's test of an
// update ending in ",").
func TestSyntaxErrorNear(t *testing.T) {
	vals := map[string]attr.Value{":delta": n("1"), ":theme": s("x"), ":val1": n("1")}
	cases := []struct {
		kind       Kind
		expr, want string
	}{
		{KindCondition, "a+:delta<b", `Invalid ConditionExpression: Syntax error; token: "+", near: "a+:delta"`},
		{KindCondition, "foo", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"`},
		{KindFilter, "contains (themes, :theme", `Invalid FilterExpression: Syntax error; token: "<EOF>", near: ":theme"`},
		{KindCondition, "attribute_not_exists(", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("`},
		{KindUpdate, "SET a = :val1,", `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","`},
	}
	for _, c := range cases {
		var err error
		switch c.kind {
		case KindUpdate:
			_, err = ParseUpdate(c.expr, &Params{Values: vals})
		case KindFilter:
			_, err = ParseFilter(c.expr, &Params{Values: vals})
		default:
			_, err = ParseCondition(c.expr, &Params{Values: vals})
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v\nwant %s", c.expr, err, c.want)
		}
	}
}

// Cases from ScyllaDB Alternator's test_condition_expression.py, which
// records DynamoDB's answers: precedence of NOT and BETWEEN over AND,
// binaries ordered as unsigned bytes, comparisons of two attributes,
// contains() on binaries and on lists holding sets, size() of a map and
// no size for numbers, booleans and nulls.
func TestConditionRecorded(t *testing.T) {
	it := attr.Item{
		"a": n("1"), "b": n("2"), "c": n("3"),
		"bin": attr.Bin([]byte{127}),
		"d":   attr.Bin([]byte("hi there")),
		"e":   attr.List(s("hi"), attr.Value{T: attr.NS, Strs: []string{"1", "2"}}, attr.List(n("3"), n("4"))),
		"m":   attr.Map(map[string]attr.Value{"x": n("2"), "y": attr.Map(map[string]attr.Value{"m": n("3")})}),
		"f":   n("5"), "g": attr.Boolean(true), "h": attr.Null(),
		"nest": attr.Map(map[string]attr.Value{"x": n("1"), "y": attr.List(n("-1"), n("2"), n("0"))}),
	}
	vals := map[string]attr.Value{
		":b128": attr.Bin([]byte{128}), ":b126": attr.Bin([]byte{126}), ":here": attr.Bin([]byte("here")),
		":set12": {T: attr.NS, Strs: []string{"2", "1"}}, ":l34": attr.List(n("3"), n("4")), ":one": n("1"), ":two": n("2"),
	}
	cases := []struct {
		expr string
		want bool
	}{
		{"NOT a < b AND c < b", false},
		{"b BETWEEN a AND c AND a < b", true},
		{"a < b OR c < b AND b < c", true},
		{"bin < :b128", true},
		{"bin BETWEEN :b126 AND :b128", true},
		{"contains(d, :here)", true},
		{"contains(e, :set12)", true},
		{"contains(e, :l34)", true},
		{"size(m) = :two", true},
		{"size(f) = :one", false},
		{"size(g) = :one", false},
		{"size(h) = :one", false},
		{"nest.x < nest.y[1]", true},
		{"nest.x < nest.y[0]", false},
		{"nest.z < nest.y[100]", false},
		{"NOT NOT NOT NOT a < b", true},
	}
	for _, c := range cases {
		cond, err := ParseCondition(c.expr, &Params{Values: vals})
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got, _ := cond.Eval(it); got != c.want {
			t.Errorf("%s = %v, want %v", c.expr, got, c.want)
		}
	}
}
