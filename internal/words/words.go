// Package words renders counts in English for reports and messages.
package words

import (
	"strconv"
	"strings"
)

// Count renders n with noun in the singular or plural: "1 case",
// "3 cases", "2 entries".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return strconv.Itoa(n) + " " + strings.TrimSuffix(noun, "y") + "ies"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Clip shortens s to n bytes for one-line messages, marking the cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
