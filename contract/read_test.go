package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/stretchr/testify/require"
)

// Read gives another package (drift) an answer as the checks read it: the
// integer code, the string message, the first error row the answer fits
// with every placeholder open, and the decoded body.
func TestRead(t *testing.T) {
	_, op, _ := addons(t)
	tests := []struct {
		name   string
		status int
		body   string
		want   contract.Reading
	}{
		{"free-text row", 400, `{"code":300,"message":"hosts: must be at least 1"}`,
			contract.Reading{Code: 300, HasCode: true, Message: "hosts: must be at least 1", HasMessage: true, Row: "invalid_body"}},
		{"filled placeholder", 404, `{"code":2001,"message":"Account does not exist: x-1."}`,
			contract.Reading{Code: 2001, HasCode: true, Message: "Account does not exist: x-1.", HasMessage: true, Row: "account_missing"}},
		{"no row: the code is a string", 404, `{"code":"2001","message":"Account does not exist: x-1."}`,
			contract.Reading{Message: "Account does not exist: x-1.", HasMessage: true}},
		{"not JSON", 400, `code=300`, contract.Reading{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := contract.Read(op, &contract.Exchange{Case: &contract.Case{}, Status: tc.status, Body: []byte(tc.body)})
			isJSON := json.Valid([]byte(tc.body))
			require.Equal(t, isJSON, got.IsJSON)
			require.Equal(t, isJSON, got.Body != nil, "the decoded body comes with a JSON answer")
			got.Body, got.IsJSON = nil, false
			require.Equal(t, tc.want, got)
		})
	}
}
