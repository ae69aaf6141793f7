package awsjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// ModelOptions tune ShapesFromModel.
type ModelOptions struct {
	// Opaque names shapes the server neither type-checks nor validates,
	// because the operation's own decoder does (DynamoDB's AttributeValue).
	Opaque []string
	// TypesOnly drops the constraints (required, lengths, ranges, patterns,
	// enums): the shapes then only type-check, for services whose handlers
	// validate in an order of their own.
	TypesOnly bool
}

// ShapesFromModel builds the input shape of every operation of an AWS API
// model in botocore's JSON form (service-2.json: "operations" with their
// "input" shape, "shapes" with types, members in the model's order, and
// constraints). Recursive shapes are shared, not unrolled.
func ShapesFromModel(model []byte, o ModelOptions) (map[string]*Shape, error) {
	var m struct {
		Operations map[string]struct {
			Input *struct {
				Shape string `json:"shape"`
			} `json:"input"`
		} `json:"operations"`
		Shapes map[string]modelShape `json:"shapes"`
	}
	if err := json.Unmarshal(model, &m); err != nil {
		return nil, fmt.Errorf("awsjson: read model: %w", err)
	}
	built := map[string]*Shape{}
	var build func(name string) (*Shape, error)
	build = func(name string) (*Shape, error) {
		if s, ok := built[name]; ok {
			return s, nil
		}
		ms, ok := m.Shapes[name]
		if !ok {
			return nil, fmt.Errorf("awsjson: model: shape %q is not defined", name)
		}
		s := &Shape{}
		built[name] = s // before the members, for recursive shapes
		if slices.Contains(o.Opaque, name) {
			s.Type = Opaque
			return s, nil
		}
		t, ok := modelTypes[ms.Type]
		if !ok {
			return nil, fmt.Errorf("awsjson: model: shape %q has type %q", name, ms.Type)
		}
		s.Type = t
		if !o.TypesOnly {
			lo, hi := bound(ms.Min), bound(ms.Max)
			s.Pattern, s.Enum = ms.Pattern, ms.Enum
			if t == Integer || t == Long || t == Double {
				s.Min, s.Max = lo, hi
			} else {
				s.MinLen, s.MaxLen = lo, hi
			}
		}
		var err error
		for _, ref := range []struct {
			r   *shapeRef
			dst **Shape
		}{{ms.Member, &s.Elem}, {ms.Value, &s.Elem}, {ms.Key, &s.Key}} {
			if ref.r != nil {
				if *ref.dst, err = build(ref.r.Shape); err != nil {
					return nil, err
				}
			}
		}
		for _, mem := range ms.Members {
			ms2, err := build(mem.Shape)
			if err != nil {
				return nil, err
			}
			s.Members = append(s.Members, Member{Name: mem.Name, Shape: ms2,
				Required: !o.TypesOnly && slices.Contains(ms.Required, mem.Name)})
		}
		return s, nil
	}
	out := map[string]*Shape{}
	for op, def := range m.Operations {
		if def.Input == nil {
			continue
		}
		s, err := build(def.Input.Shape)
		if err != nil {
			return nil, fmt.Errorf("%w (operation %s)", err, op)
		}
		out[op] = s
	}
	return out, nil
}

var modelTypes = map[string]Type{
	"string": String, "integer": Integer, "long": Long, "double": Double, "float": Double,
	"boolean": Boolean, "blob": Blob, "timestamp": Timestamp, "list": List, "map": Map, "structure": Structure,
}

type shapeRef struct {
	Shape string `json:"shape"`
}

// modelShape is one shape of a botocore model.
type modelShape struct {
	Type       string       `json:"type"`
	Required   []string     `json:"required"`
	Members    modelMembers `json:"members"`
	Member     *shapeRef    `json:"member"`
	Key, Value *shapeRef
	Min, Max   *float64
	Pattern    string   `json:"pattern"`
	Enum       []string `json:"enum"`
}

// modelMembers are a structure's members in the model's order, which a
// Go map would lose.
type modelMembers []struct{ Name, Shape string }

// UnmarshalJSON reads {"Name": {"shape": "S"}, ...} keeping its order.
func (mm *modelMembers) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if _, err := d.Token(); err != nil { // {
		return err
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		var ref shapeRef
		if err := d.Decode(&ref); err != nil {
			return err
		}
		*mm = append(*mm, struct{ Name, Shape string }{name, ref.Shape})
	}
	return nil
}

// bound is a model's bound as a Shape's; a fractional one (only doubles
// have them) is rounded toward zero.
func bound(f *float64) *int64 {
	if f == nil {
		return nil
	}
	return Int(int64(*f))
}
