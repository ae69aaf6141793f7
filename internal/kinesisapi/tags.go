package kinesisapi

// AddTagsToStream, ListTagsForStream and RemoveTagsFromStream.
//
// Behavior: up to 10 tags per AddTagsToStream call (ValidationException
// beyond, from the input shape) and 50 per stream (InvalidArgumentException
// beyond, worded as Kinesis words it, "10" included); keys of 1 to 128
// characters, values up to 256, of Unicode letters, digits, white space and
// _ . / = + - % @ : (InvalidArgumentException otherwise). Listing is in key
// order, Limit (1-50, default 50) after ExclusiveStartTagKey, with
// HasMoreTags.
//
// The tag-on-resource operations (TagResource, UntagResource,
// ListTagsForResource, tag_resource.go) share these tags and limits.
//
// Deviations: none known.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode"

	"github.com/blueshift-dev/blueshift/internal/streamlog"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

type addTagsInput struct {
	StreamName string            `json:"StreamName"`
	StreamARN  string            `json:"StreamARN"`
	Tags       map[string]string `json:"Tags"`
}

func (a *API) addTagsToStream(ctx context.Context, body []byte) (any, error) {
	var in addTagsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if err := checkTagLengths(in.Tags); err != nil {
		return nil, err
	}
	if _, err := a.describe(ctx, name); err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		if !validTagChars(k) || !validTagChars(v) {
			// Kinesis's text (observed).
			return nil, awsjson.Errorf(InvalidArgumentException,
				"Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - %% @.")
		}
	}
	err = a.sl.AddTags(ctx, name, in.Tags)
	if errors.Is(err, streamlog.ErrLimitExceeded) {
		// Kinesis's text, "10" included (observed; kinesalite records the same).
		return nil, awsjson.Errorf(InvalidArgumentException,
			"Failed to add tags to stream %s under account %s because a given stream cannot have more than 10 tags associated with it.", name, a.account)
	}
	return nil, a.fail(err)
}

// validTagChars reports whether s holds only what Kinesis allows in tags:
// Unicode letters, digits, white space and _ . / = + - % @ (and ':').
func validTagChars(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) && !strings.ContainsRune("_./=+-%@:", r) {
			return false
		}
	}
	return true
}

type listTagsInput struct {
	StreamName           string `json:"StreamName"`
	StreamARN            string `json:"StreamARN"`
	ExclusiveStartTagKey string `json:"ExclusiveStartTagKey"`
	Limit                *int   `json:"Limit"`
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type listTagsOutput struct {
	Tags        []tag `json:"Tags"`
	HasMoreTags bool  `json:"HasMoreTags"`
}

func (a *API) listTagsForStream(ctx context.Context, body []byte) (any, error) {
	var in listTagsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	limit := 50
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 50 {
			return nil, awsjson.Errorf(ValidationException, "Limit %d: want 1 to 50", *in.Limit)
		}
		limit = *in.Limit
	}
	info, err := a.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(info.Tags))
	for k := range info.Tags {
		if k > in.ExclusiveStartTagKey {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := listTagsOutput{Tags: []tag{}}
	for _, k := range keys {
		if len(out.Tags) == limit {
			out.HasMoreTags = true
			break
		}
		out.Tags = append(out.Tags, tag{k, info.Tags[k]})
	}
	return out, nil
}

type removeTagsInput struct {
	StreamName string   `json:"StreamName"`
	StreamARN  string   `json:"StreamARN"`
	TagKeys    []string `json:"TagKeys"`
}

func (a *API) removeTagsFromStream(ctx context.Context, body []byte) (any, error) {
	var in removeTagsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) < 1 || len(in.TagKeys) > 50 {
		return nil, awsjson.Errorf(ValidationException, "TagKeys must hold 1 to 50 keys")
	}
	return nil, a.fail(a.sl.RemoveTags(ctx, name, in.TagKeys))
}
