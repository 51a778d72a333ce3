package mock

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// failAfter yields its bytes, then err.
type failAfter struct {
	r   io.Reader
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

// TestReadBody: readBody reads what io.ReadAll of MaxBody+1 bytes reads,
// with the same error, whatever the Content-Length declares.
func TestReadBody(t *testing.T) {
	big := strings.Repeat(" ", MaxBody+10)
	broken := errors.New("connection reset")
	tests := []struct {
		name     string
		body     string
		declared int64
		err      error
	}{
		{"declared exactly", `{"a":1}`, 7, nil},
		{"none declared", `{"a":1}`, -1, nil},
		{"shorter than declared", `{"a":1}`, 20, nil},
		{"longer than declared", `{"a":1}`, 3, nil},
		{"empty", ``, 0, nil},
		{"at the limit", big[:MaxBody], MaxBody, nil},
		{"over the limit, declared", big, int64(len(big)), nil},
		{"one past the limit", big[:MaxBody+1], MaxBody + 1, nil},
		{"cut off", `{"a":`, 7, broken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := func() io.ReadCloser {
				return io.NopCloser(&failAfter{strings.NewReader(tc.body), tc.err})
			}
			if tc.err == nil {
				src = func() io.ReadCloser { return io.NopCloser(strings.NewReader(tc.body)) }
			}
			want, wantErr := io.ReadAll(io.LimitReader(src(), MaxBody+1))
			got, err := readBody(&http.Request{Body: src(), ContentLength: tc.declared})
			require.Equal(t, wantErr, err)
			require.True(t, bytes.Equal(want, got), "read %d bytes, want %d", len(got), len(want))
		})
	}
}
