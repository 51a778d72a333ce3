package gen

// NestedDeeper reports whether body, read as JSON, opens more than max
// arrays and objects inside one another; brackets inside strings do not
// count. It is one pass over the bytes that decodes nothing, cheap enough
// to run before a decoder that would spend time or memory on every level
// (a deep-nesting case opens MaxNesting of them); body need not be valid
// JSON.
func NestedDeeper(body []byte, max int) bool {
	depth := 0
	inString, escaped := false, false
	for _, c := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			if depth++; depth > max {
				return true
			}
		case ']', '}':
			depth--
		}
	}
	return false
}
