package contract

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The depth scan counts arrays and objects inside one another, whatever
// the bytes around them, and never counts brackets inside strings.
func TestJSONTooDeep(t *testing.T) {
	tests := []struct {
		name, reason string
		body         string
		max          int
		want         bool
	}{
		{"flat", "a 201 is a few levels deep", `{"plan_webinar":[{"type":"zwb_monthly","hosts":1}]}`, 3, false},
		{"at the limit", "max levels are allowed", strings.Repeat("[", 64) + strings.Repeat("]", 64), 64, false},
		{"over the limit", "one more is not", strings.Repeat("[", 65) + strings.Repeat("]", 65), 64, true},
		{"mixed", "objects and arrays count alike", `{"a":[{"b":[{}]}]}`, 4, true},
		{"siblings", "depth is nesting, not the number of containers", strings.Repeat(`[],{},`, 1000), 1, false},
		{"in a string", "brackets inside strings are text", `["` + strings.Repeat("[{", 100) + `"]`, 1, false},
		{"escaped quote", "an escaped quote does not end the string", `["\"[[[[", 1]`, 1, false},
		{"escaped backslash", "a string ending in a backslash does end", `["\\", [[1]]]`, 2, true},
		{"unclosed", "invalid JSON is scanned all the same", strings.Repeat("{", 70), 64, true},
		{"not JSON", "text with few brackets is not deep", "<html>{ok}</html>", 64, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, jsonTooDeep([]byte(tc.body), tc.max), tc.reason)
		})
	}
	_, ok := decodeJSON([]byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)))
	require.False(t, ok, "decodeJSON refuses a body nested deeper than maxJSONDepth")
}
