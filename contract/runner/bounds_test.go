package runner

import (
	"errors"
	"strings"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/stretchr/testify/require"
)

// A run of alike failures aborts only when it is long and the requests
// asked for different answers; any answer that is not broken ends it.
func TestAlikeRun(t *testing.T) {
	reset := errors.New(`read tcp 127.0.0.1:50000->127.0.0.1:8080: read: connection reset by peer`)
	exchange := func(i int, row string, err error, status int) *contract.Exchange {
		if err != nil && !contract.Refused(err) {
			// Another client port each time, as a real reset would show.
			err = errors.New(strings.Replace(err.Error(), "50000", strings.Repeat("1", 1+i%5), 1))
		}
		return &contract.Exchange{Case: &contract.Case{Expect: contract.Expect{Row: row}}, Err: err, Status: status}
	}
	rows := []string{"self_pay", "free_plan", "invalid_body", "account_missing"}
	tests := []struct {
		name, reason string
		ex           func(i int) *contract.Exchange
		abortAt      int // 1-based request that aborts; 0 = none within 3*maxSameFailures
	}{
		{"resets", "every request reset, whatever it asked", func(i int) *contract.Exchange { return exchange(i, rows[i%4], reset, 0) }, maxSameFailures},
		{"huge answers", "every answer refused as too large", func(i int) *contract.Exchange { return exchange(i, rows[i%4], contract.ErrAnswerTooLarge, 201) }, maxSameFailures},
		{"5xx", "every answer a 500 or a 503", func(i int) *contract.Exchange { return exchange(i, rows[i%4], nil, 500+3*(i%2)) }, maxSameFailures},
		{"one kind", "a server that breaks only what expects a 201 is being found out, not broken", func(i int) *contract.Exchange { return exchange(i, "", reset, 0) }, 0},
		{"two kinds", "two different answers asked are not yet whatever was asked", func(i int) *contract.Exchange { return exchange(i, rows[i%2], reset, 0) }, 0},
		{"interrupted", "a good answer every 10 requests starts the count again", func(i int) *contract.Exchange {
			if i%10 == 9 {
				return exchange(i, rows[i%4], nil, 400)
			}
			return exchange(i, rows[i%4], reset, 0)
		}, 0},
		{"two ways", "failing two ways in turn is not failing alike", func(i int) *contract.Exchange {
			if i%2 == 0 {
				return exchange(i, rows[i%4], contract.ErrAnswerTooDeep, 201)
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
