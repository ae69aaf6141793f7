package expr

import (
	"sort"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

// Projection is a projection expression: the document paths to return.
type Projection struct {
	Paths []Path
}

// ParseProjection parses a ProjectionExpression.
func ParseProjection(s string, params *Params) (*Projection, error) {
	kind := KindProjection
	if err := checkSize(s, kind); err != nil {
		return nil, err
	}
	p := newParser(s, kind)
	pr := &Projection{}
	for {
		path, err := p.parsePath(nil)
		if err != nil {
			return nil, err
		}
		pr.Paths = append(pr.Paths, path)
		if !p.isPunct(",") {
			break
		}
		p.next()
	}
	if p.peek().kind != tEOF {
		return nil, p.syntaxError()
	}
	for _, path := range pr.Paths {
		if err := reservedIn(path, kind); err != nil {
			return nil, err
		}
	}
	r := &resolver{params: params, kind: kind}
	for _, path := range pr.Paths {
		r.path(path)
	}
	if r.err != nil {
		return nil, r.err
	}
	if err := checkOverlap(pr.Paths, kind); err != nil {
		return nil, err
	}
	return pr, nil
}

// Format prints the projection as written.
func (p *Projection) Format() string {
	parts := make([]string, len(p.Paths))
	for i, path := range p.Paths {
		parts[i] = path.Format()
	}
	return strings.Join(parts, ", ")
}

// Apply returns the parts of item the projection names.
func (p *Projection) Apply(item attr.Item) attr.Item { return Project(item, p.Paths) }

// ProjectNames returns the top-level attributes names of item (legacy
// AttributesToGet).
func ProjectNames(item attr.Item, names []string) attr.Item {
	paths := make([]Path, len(names))
	for i, n := range names {
		paths[i] = NamePath(n)
	}
	return Project(item, paths)
}

// Project returns the parts of item at paths, as DynamoDB returns a
// projection or UPDATED_OLD / UPDATED_NEW: nested maps keep only the named
// keys, and named list elements are gathered into a list in index order.
// Paths that do not exist are left out; a nil item gives nil.
func Project(item attr.Item, paths []Path) attr.Item {
	if item == nil {
		return nil
	}
	root := &pnode{}
	for _, path := range paths {
		v, ok := Get(item, path)
		if !ok {
			continue
		}
		n := root
		for _, e := range path {
			n = n.child(e)
		}
		n.val = &v
	}
	out := attr.Item{}
	for k, c := range root.keys {
		out[k] = c.build()
	}
	return out
}

// pnode is a projection being built: a whole value, or a map's named keys,
// or a list's chosen elements.
type pnode struct {
	val  *attr.Value
	keys map[string]*pnode
	idx  map[int]*pnode
}

func (n *pnode) child(e PathElem) *pnode {
	if e.IsIndex {
		if n.idx == nil {
			n.idx = map[int]*pnode{}
		}
		c := n.idx[e.Index]
		if c == nil {
			c = &pnode{}
			n.idx[e.Index] = c
		}
		return c
	}
	if n.keys == nil {
		n.keys = map[string]*pnode{}
	}
	c := n.keys[e.Name]
	if c == nil {
		c = &pnode{}
		n.keys[e.Name] = c
	}
	return c
}

func (n *pnode) build() attr.Value {
	if n.val != nil {
		return *n.val
	}
	if n.idx != nil {
		ix := make([]int, 0, len(n.idx))
		for i := range n.idx {
			ix = append(ix, i)
		}
		sort.Ints(ix)
		l := make([]attr.Value, len(ix))
		for j, i := range ix {
			l[j] = n.idx[i].build()
		}
		return attr.List(l...)
	}
	m := make(map[string]attr.Value, len(n.keys))
	for k, c := range n.keys {
		m[k] = c.build()
	}
	return attr.Map(m)
}
