package contract

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// unique-keys fails an answer whose object names a member twice, at any
// depth, and says where; answers with unique names, or no JSON, pass.
func TestUniqueKeys(t *testing.T) {
	tests := []struct {
		name, body string
		wantRow    string // "" = passes
		wantDetail string
	}{
		{"unique", `{"code":124,"message":"Invalid access token."}`, "", ""},
		{"same name in sibling objects", `{"a":{"type":"x"},"b":{"type":"y"}}`, "", ""},
		{"top level", `{"code":0,"code":124,"message":"m"}`, "code", `names "code" twice in $`},
		{"nested in an array", `{"plan_webinar":[{"type":"w","hosts":1},{"type":"w","hosts":2,"hosts":3}]}`, "hosts", `in $.plan_webinar[1]`},
		{"nested repeat before the outer one", `{"a":{"b":1,"b":2},"a":3}`, "b", `names "b" twice in $.a`},
		{"outer repeat before a nested one", `{"a":1,"a":{"b":1,"b":2}}`, "a", `names "a" twice in $`},
		{"no JSON", `code=1`, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex := &Exchange{Case: &Case{}, Status: 400, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(tc.body)}
			j := &Judgement{Case: ex.Case, Exchange: ex}
			c := uniqueKeys{}
			if !c.Applies(j) {
				require.Empty(t, tc.wantRow, "unique-keys must judge %s", tc.body)
				return
			}
			fails := c.Judge(j)
			if tc.wantRow == "" {
				require.Empty(t, fails)
				return
			}
			require.Len(t, fails, 1)
			require.Equal(t, tc.wantRow, fails[0].Row)
			require.Contains(t, fails[0].Detail, tc.wantDetail)
		})
	}
}
