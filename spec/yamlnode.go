package spec

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	yaml "github.com/pb33f/go-yaml"
)

// maxDecodeDepth bounds decoding of YAML values, so an alias loop or an
// absurdly nested example cannot exhaust the stack.
const maxDecodeDepth = 256

// decodeNode turns a YAML node into a JSON-compatible Go value: map[string]any,
// []any, string, int64 (integers that fit), float64, bool or nil. YAML
// timestamps stay strings, because the document means them as JSON strings
// ("2021-12-31" is a date string in a JSON body, not a time.Time).
func decodeNode(n *yaml.Node) (any, error) {
	return decodeDepth(n, 0)
}

func decodeDepth(n *yaml.Node, depth int) (any, error) {
	if n == nil {
		return nil, nil
	}
	if depth > maxDecodeDepth {
		return nil, fmt.Errorf("value nested deeper than %d levels", maxDecodeDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return decodeDepth(n.Content[0], depth+1)
	case yaml.AliasNode:
		return decodeDepth(n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := decodeDepth(c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := decodeDepth(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	case yaml.ScalarNode:
		return decodeScalar(n)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node kind %v", n.Line, n.Kind)
}

func decodeScalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return b, nil
	case "!!int":
		var v any
		if err := n.Decode(&v); err == nil {
			switch i := v.(type) {
			case int:
				return int64(i), nil
			case int64:
				return i, nil
			}
		}
		// Too big for int64: keep the magnitude as JSON would.
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: integer %q: %w", n.Line, n.Value, err)
		}
		return f, nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("line %d: %q is not a JSON number", n.Line, n.Value)
		}
		return f, nil
	default: // !!str, !!timestamp, !!binary and custom tags: the text as written
		return n.Value, nil
	}
}

// mapValue returns the key and value nodes of key in mapping n, or nils.
func mapValue(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// escapeToken escapes one JSON pointer reference token (RFC 6901).
func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapeToken undoes escapeToken.
func unescapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// pointerTo returns the node at a local JSON pointer ("/components/schemas/Pet")
// below root, or nil.
func pointerTo(root *yaml.Node, ptr string) *yaml.Node {
	n := root
	if ptr == "" {
		return n
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapeToken(tok)
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			_, n = mapValue(n, tok)
		case n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}

// localRef turns a "$ref" value into a local JSON pointer; ok is false for
// references to other files or URLs, which the loader does not follow.
func localRef(ref string) (ptr string, ok bool) {
	if !strings.HasPrefix(ref, "#") {
		return "", false
	}
	ptr = ref[1:]
	// A fragment may be percent-encoded ("{" as %7B); pointers are not.
	if strings.Contains(ptr, "%") {
		if u, err := unescapePercent(ptr); err == nil {
			ptr = u
		}
	}
	return ptr, true
}

func unescapePercent(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), nil
}

// refName is the last token of a reference: the component name of
// "#/components/schemas/Pet" is "Pet".
func refName(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		return unescapeToken(ref[i+1:])
	}
	return ref
}
