package expr

// TopNames returns the top-level attribute names the condition reads, in
// the order written, each once.
func (c *Condition) TopNames() []string {
	var out []string
	seen := map[string]bool{}
	walkCond(c, func(n *Condition) {
		for _, a := range n.Args {
			walkOperand(a, func(o *Operand) {
				if o.Kind == OperandPath && !seen[o.Path.Top()] {
					seen[o.Path.Top()] = true
					out = append(out, o.Path.Top())
				}
			})
		}
	})
	return out
}

// CheckQueryFilter returns DynamoDB's error for a Query whose filter reads
// a key attribute of the table or index queried (the partition key named
// first): "Filter Expression can only contain non-primary key attributes:
// Primary key attribute: sk", or with QueryFilter for the legacy
// parameter (texts from DynamoDB's answers quoted in client projects, and
// dynalite's query validation). Scan has no such rule.
func CheckQueryFilter(c *Condition, legacy bool, hashKey, rangeKey string) error {
	if c == nil {
		return nil
	}
	param := "Filter Expression"
	if legacy {
		param = "QueryFilter"
	}
	names := map[string]bool{}
	for _, n := range c.TopNames() {
		names[n] = true
	}
	for _, k := range []string{hashKey, rangeKey} {
		if k != "" && names[k] {
			return errorf(param + " can only contain non-primary key attributes: Primary key attribute: " + k)
		}
	}
	return nil
}
