package dynamoapi

// TagResource, UntagResource, ListTagsOfResource.
//
// Behavior: tags on a table named by its ARN, kept with the table's
// definition (durable); TagResource replaces the value of an existing
// key; ListTagsOfResource returns every tag (no paging needed under 50
// tags). An ARN that names no table is ResourceNotFoundException.
//
// Deviations: the 50-tag limit and the aws: prefix rule are not enforced.

import (
	"context"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

type tagInput struct {
	ResourceArn *string      `json:"ResourceArn"`
	Tags        []tables.Tag `json:"Tags"`
	TagKeys     []string     `json:"TagKeys"`
	NextToken   *string      `json:"NextToken"`
}

// tableOfARN returns the table an ARN names.
func (a *API) tableOfARN(arn *string) (string, error) {
	var c constraints
	if arn == nil {
		c.add(nil, "resourceArn", "Member must not be null")
		return "", c.err()
	}
	i := strings.Index(*arn, ":table/")
	if !strings.HasPrefix(*arn, "arn:") || i < 0 {
		return "", validation("Invalid TableArn: Invalid ResourceArn provided as input %s", *arn)
	}
	name := (*arn)[i+len(":table/"):]
	if _, err := a.st.Table(name); err != nil {
		return "", awsjson.Errorf(ResourceNotFoundException, "Requested resource not found: ResourcArn: %s not found", *arn)
	}
	return name, nil
}

func (a *API) tagResource(ctx context.Context, body []byte) (any, error) {
	var in tagInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Tags == nil {
		var c constraints
		c.add(nil, "tags", "Member must not be null")
		return nil, c.err()
	}
	name, err := a.tableOfARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, validation("Atleast one Tag needs to be provided as Input.")
	}
	_, err = a.st.Update(ctx, name, func(t *tables.Table) error {
		for _, nt := range in.Tags {
			found := false
			for i := range t.Tags {
				if t.Tags[i].Key == nt.Key {
					t.Tags[i].Value, found = nt.Value, true
				}
			}
			if !found {
				t.Tags = append(t.Tags, nt)
			}
		}
		return nil
	})
	return struct{}{}, a.fail(err, name)
}

func (a *API) untagResource(ctx context.Context, body []byte) (any, error) {
	var in tagInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		var c constraints
		c.add(nil, "tagKeys", "Member must not be null")
		return nil, c.err()
	}
	name, err := a.tableOfARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, validation("Atleast one Tag Key needs to be provided as Input.")
	}
	_, err = a.st.Update(ctx, name, func(t *tables.Table) error {
		drop := map[string]bool{}
		for _, k := range in.TagKeys {
			drop[k] = true
		}
		kept := t.Tags[:0]
		for _, tg := range t.Tags {
			if !drop[tg.Key] {
				kept = append(kept, tg)
			}
		}
		t.Tags = kept
		return nil
	})
	return struct{}{}, a.fail(err, name)
}

func (a *API) listTagsOfResource(ctx context.Context, body []byte) (any, error) {
	var in tagInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := a.tableOfARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t, err := a.st.Table(name)
	if err != nil {
		return nil, a.fail(err, name)
	}
	tags := t.Tags
	if tags == nil {
		tags = []tables.Tag{}
	}
	return struct {
		Tags []tables.Tag `json:"Tags"`
	}{tags}, nil
}
