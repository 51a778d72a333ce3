package contract

import (
	"errors"
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

// A run of alike failures aborts only when it is long and the requests
// asked for different answers; any answer that is not broken ends it.
func TestAlikeRun(t *testing.T) {
	reset := errors.New(`read tcp 127.0.0.1:50000->127.0.0.1:8080: read: connection reset by peer`)
	exchange := func(i int, row string, err error, status int) *Exchange {
		if err != nil && !refused(err) {
			// Another client port each time, as a real reset would show.
			err = errors.New(strings.Replace(err.Error(), "50000", strings.Repeat("1", 1+i%5), 1))
		}
		return &Exchange{Case: &Case{Expect: Expect{Row: row}}, Err: err, Status: status}
	}
	rows := []string{"self_pay", "free_plan", "invalid_body", "account_missing"}
	tests := []struct {
		name, reason string
		ex           func(i int) *Exchange
		abortAt      int // 1-based request that aborts; 0 = none within 3*maxSameFailures
	}{
		{"resets", "every request reset, whatever it asked", func(i int) *Exchange { return exchange(i, rows[i%4], reset, 0) }, maxSameFailures},
		{"huge answers", "every answer refused as too large", func(i int) *Exchange { return exchange(i, rows[i%4], ErrAnswerTooLarge, 201) }, maxSameFailures},
		{"5xx", "every answer a 500 or a 503", func(i int) *Exchange { return exchange(i, rows[i%4], nil, 500+3*(i%2)) }, maxSameFailures},
		{"one kind", "a server that breaks only what expects a 201 is being found out, not broken", func(i int) *Exchange { return exchange(i, "", reset, 0) }, 0},
		{"two kinds", "two different answers asked are not yet whatever was asked", func(i int) *Exchange { return exchange(i, rows[i%2], reset, 0) }, 0},
		{"interrupted", "a good answer every 10 requests starts the count again", func(i int) *Exchange {
			if i%10 == 9 {
				return exchange(i, rows[i%4], nil, 400)
			}
			return exchange(i, rows[i%4], reset, 0)
		}, 0},
		{"two ways", "failing two ways in turn is not failing alike", func(i int) *Exchange {
			if i%2 == 0 {
				return exchange(i, rows[i%4], ErrAnswerTooDeep, 201)
			}
			return exchange(i, rows[i%4], reset, 0)
		}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a alikeRun
			got := 0
			for i := 0; i < 3*maxSameFailures && got == 0; i++ {
				if a.note(tc.ex(i)) != "" {
					got = i + 1
				}
			}
			require.Equal(t, tc.abortAt, got, tc.reason)
		})
	}
}
