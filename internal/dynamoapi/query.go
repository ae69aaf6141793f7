package dynamoapi

// Query.
//
// Behavior: KeyConditionExpression (or legacy KeyConditions): equality on
// the partition key and =, <, <=, >, >=, BETWEEN or begins_with on the
// sort key, run as one ordered scan of the partition (S and B sort keys in
// byte order, N in numeric order), forward or backward
// (ScanIndexForward); IndexName (global and local secondary indexes);
// FilterExpression (or QueryFilter); ProjectionExpression (or
// AttributesToGet); Select ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES,
// SPECIFIC_ATTRIBUTES or COUNT; Limit (items read, before the filter) and
// the 1 MB page, with LastEvaluatedKey and ExclusiveStartKey;
// ReturnConsumedCapacity. Reads are strongly consistent; ConsistentRead
// true on a global secondary index is refused, as in DynamoDB.
//
// Deviations: Select ALL_ATTRIBUTES on a local secondary index with a
// partial projection returns the projected attributes only (DynamoDB
// fetches the rest from the table).

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/dynamoapi/expr"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

type readFields struct {
	TableName                 *string                         `json:"TableName"`
	IndexName                 *string                         `json:"IndexName"`
	Select                    *string                         `json:"Select"`
	Limit                     *int64                          `json:"Limit"`
	ConsistentRead            *bool                           `json:"ConsistentRead"`
	ExclusiveStartKey         attr.Item                       `json:"ExclusiveStartKey"`
	ProjectionExpression      *string                         `json:"ProjectionExpression"`
	AttributesToGet           []string                        `json:"AttributesToGet"`
	FilterExpression          *string                         `json:"FilterExpression"`
	ConditionalOperator       *string                         `json:"ConditionalOperator"`
	ExpressionAttributeNames  map[string]string               `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues map[string]attr.Value           `json:"ExpressionAttributeValues"`
	ReturnConsumedCapacity    *string                         `json:"ReturnConsumedCapacity"`
	legacyFilter              map[string]expr.LegacyCondition // QueryFilter or ScanFilter
}

type queryInput struct {
	readFields
	KeyConditionExpression *string                         `json:"KeyConditionExpression"`
	KeyConditions          map[string]expr.LegacyCondition `json:"KeyConditions"`
	QueryFilter            map[string]expr.LegacyCondition `json:"QueryFilter"`
	ScanIndexForward       *bool                           `json:"ScanIndexForward"`
}

type readOutput struct {
	Items            []attr.Item `json:"Items,omitempty"`
	Count            int         `json:"Count"`
	ScannedCount     int         `json:"ScannedCount"`
	LastEvaluatedKey attr.Item   `json:"LastEvaluatedKey,omitempty"`
	ConsumedCapacity *consumed   `json:"ConsumedCapacity,omitempty"`
}

// checkShape adds the checks Query and Scan share beyond the model's: a
// table name's (the model allows an ARN), and the Limit the reads rely on
// (the model's too; this guards callers that skip its checks).
func (f *readFields) checkShape(c *constraints) {
	checkTableName(c, f.TableName, "tableName")
	if f.Limit != nil && *f.Limit < 1 {
		c.add(f.Limit, "limit", "Member must have value greater than or equal to 1")
	}
}

// checkSelect checks Select against the projection parameters.
func (f *readFields) checkSelect(op string) error {
	hasProj := f.ProjectionExpression != nil || f.AttributesToGet != nil
	if f.Select != nil {
		switch *f.Select {
		case "SPECIFIC_ATTRIBUTES":
			if !hasProj {
				return validation("One or more parameter values were invalid: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
			}
		case "ALL_PROJECTED_ATTRIBUTES":
			if f.IndexName == nil {
				return validation("One or more parameter values were invalid: ALL_PROJECTED_ATTRIBUTES can be used only when %s using an IndexName", op)
			}
			fallthrough
		default:
			if hasProj {
				return validation("One or more parameter values were invalid: Cannot specify the AttributesToGet when choosing to get %s", *f.Select)
			}
		}
	}
	return nil
}

// prepared is a parsed read: filter, projection, table, index.
type prepared struct {
	t      *tables.Table
	ix     *tables.Index
	filter *expr.Condition
	proj   *expr.Projection
	count  bool
}

// prepare parses the read's expressions (after keyCond, which the caller
// parses first, as DynamoDB does) and resolves its table and index.
func (a *API) prepare(f *readFields, p *expr.Params, parseKey func() error, filterName, legacyName string) (*prepared, error) {
	var pr prepared
	var err error
	if parseKey != nil {
		if err := parseKey(); err != nil {
			return nil, err
		}
	}
	if f.FilterExpression != nil {
		if pr.filter, err = expr.ParseFilter(*f.FilterExpression, p); err != nil {
			return nil, exprErr(err)
		}
	} else if f.legacyFilter != nil {
		op := ""
		if f.ConditionalOperator != nil {
			op = *f.ConditionalOperator
		}
		if pr.filter, err = expr.ConvertFilter(f.legacyFilter, op); err != nil {
			return nil, exprErr(err)
		}
	}
	if pr.proj, err = projectionOf(f.ProjectionExpression, f.AttributesToGet, p); err != nil {
		return nil, err
	}
	if err := p.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	name := tableNameOf(*f.TableName)
	if pr.t, err = a.st.Table(name); err != nil {
		return nil, a.fail(err, name)
	}
	if f.IndexName != nil {
		if pr.ix = pr.t.Index(*f.IndexName); pr.ix == nil {
			return nil, validation("The table does not have the specified index: %s", *f.IndexName)
		}
		if !pr.ix.Local && f.ConsistentRead != nil && *f.ConsistentRead {
			return nil, validation("Consistent reads are not supported on global secondary indexes")
		}
		if !pr.ix.Local && f.Select != nil && *f.Select == "ALL_ATTRIBUTES" && pr.ix.Projection.Type != tables.ProjectAll {
			return nil, invalidParam("Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL", pr.ix.Name)
		}
	}
	if f.ExclusiveStartKey != nil {
		if err := checkStartKey(pr.t, pr.ix, f.ExclusiveStartKey); err != nil {
			return nil, err
		}
	}
	pr.count = f.Select != nil && *f.Select == "COUNT"
	return &pr, nil
}

// checkStartKey checks ExclusiveStartKey: the table's key, plus the
// index's key when reading an index.
func checkStartKey(t *tables.Table, ix *tables.Index, k attr.Item) error {
	want := []tables.KeyAttr{t.Key.Hash, t.Key.Range}
	if ix != nil {
		want = append(want, ix.Key.Hash, ix.Key.Range)
	}
	names := map[string]bool{}
	for _, w := range want {
		if w.Name == "" {
			continue
		}
		names[w.Name] = true
		v, ok := k[w.Name]
		if !ok || v.T != w.Type {
			return validation("The provided starting key is invalid: The provided key element does not match the schema")
		}
	}
	if len(k) != len(names) {
		return validation("The provided starting key is invalid: The provided key element does not match the schema")
	}
	return nil
}

// run reads one page and shapes the output.
func (a *API) run(ctx context.Context, f *readFields, pr *prepared, req tables.ReadRequest) (any, error) {
	req.Table = pr.t.Name
	if pr.ix != nil {
		req.Index = pr.ix.Name
	}
	if f.Limit != nil {
		req.Limit = int(*f.Limit)
	}
	req.MaxBytes = maxPageBytes
	req.StartKey = f.ExclusiveStartKey
	if pr.filter != nil {
		filter := pr.filter
		req.Keep = func(it attr.Item) (bool, error) {
			ok, err := filter.Eval(it)
			return ok, exprErr(err)
		}
	}
	res, err := a.st.Read(ctx, req)
	if err != nil {
		return nil, a.fail(err, pr.t.Name)
	}
	out := readOutput{Count: len(res.Items), ScannedCount: res.Scanned, LastEvaluatedKey: res.LastKey}
	size := 0
	for _, it := range res.Items {
		size += attr.ItemSize(it)
	}
	out.ConsumedCapacity = capacity(f.ReturnConsumedCapacity, pr.t.Name, func() int { return size }, false, f.ConsistentRead != nil && *f.ConsistentRead)
	if !pr.count {
		out.Items = res.Items
		if pr.proj != nil {
			for i, it := range out.Items {
				out.Items[i] = pr.proj.Apply(it)
			}
		}
		if out.Items == nil {
			out.Items = []attr.Item{}
		}
	}
	return out, nil
}

// MarshalJSON keeps Items present (as []) for a page with no items,
// unless Select COUNT left it nil.
func (o readOutput) MarshalJSON() ([]byte, error) {
	type plain readOutput
	if o.Items == nil {
		return jsonMarshal(struct {
			plain
			Items []attr.Item `json:"Items,omitempty"`
		}{plain: plain(o)})
	}
	return jsonMarshal(struct {
		plain
		Items []attr.Item `json:"Items"`
	}{plain: plain(o), Items: o.Items})
}

var rangeOps = map[string]string{"EQ": "=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">=", "BETWEEN": "BETWEEN", "BEGINS_WITH": "BEGINS_WITH"}

func (a *API) query(ctx context.Context, body []byte) (any, error) {
	var in queryInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	in.legacyFilter = in.QueryFilter
	var c constraints
	in.checkShape(&c)
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := expr.CheckParams(
		[]expr.Param{{Name: "ProjectionExpression", Present: present(in.ProjectionExpression)}, {Name: "FilterExpression", Present: present(in.FilterExpression)}, {Name: "KeyConditionExpression", Present: present(in.KeyConditionExpression)}},
		[]expr.Param{{Name: "AttributesToGet", Present: in.AttributesToGet != nil}, {Name: "QueryFilter", Present: in.QueryFilter != nil}, {Name: "ConditionalOperator", Present: in.ConditionalOperator != nil}, {Name: "KeyConditions", Present: in.KeyConditions != nil}},
		in.ExpressionAttributeNames != nil, in.ExpressionAttributeValues != nil); err != nil {
		return nil, exprErr(err)
	}
	if err := in.checkSelect("Querying"); err != nil {
		return nil, err
	}
	if in.KeyConditionExpression == nil && in.KeyConditions == nil {
		return nil, validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	p := &expr.Params{Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues}
	if err := p.CheckKeys(in.ExpressionAttributeNames != nil, in.ExpressionAttributeValues != nil); err != nil {
		return nil, exprErr(err)
	}
	var kc *expr.KeyCondition
	pr, err := a.prepare(&in.readFields, p, func() error {
		var err error
		if in.KeyConditionExpression != nil {
			kc, err = expr.ParseKeyCondition(*in.KeyConditionExpression, p)
		} else {
			kc, err = expr.ConvertKeyConditions(in.KeyConditions)
		}
		return exprErr(err)
	}, "FilterExpression", "QueryFilter")
	if err != nil {
		return nil, err
	}
	key := pr.t.Key
	if pr.ix != nil {
		key = pr.ix.Key
	}
	if err := kc.Check(key.Hash.Name, key.Range.Name); err != nil {
		return nil, exprErr(err)
	}
	if err := kc.CheckTypes(key.Hash.Type, key.Range.Type); err != nil {
		return nil, exprErr(err)
	}
	req := tables.ReadRequest{Query: true, Hash: kc.HashValue, Backward: in.ScanIndexForward != nil && !*in.ScanIndexForward}
	if r := kc.Range; r != nil {
		req.Range = tables.RangeCond{Op: rangeOps[r.Op], A: r.Values[0]}
		if len(r.Values) > 1 {
			req.Range.B = r.Values[1]
		}
	}
	return a.run(ctx, &in.readFields, pr, req)
}
