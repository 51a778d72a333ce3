package spec

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHash(t *testing.T) {
	d, _ := addonsOp(t)
	h := d.Hash()
	require.Len(t, h, HashLen)
	require.Equal(t, h, HashBytes(addonsYAML), "the hash is of the bytes as loaded")
	crlf := bytes.ReplaceAll(addonsYAML, []byte("\n"), []byte("\r\n"))
	require.Equal(t, h, HashBytes(crlf), "a checkout with CRLF line ends is the same revision")
	require.NotEqual(t, h, revision(t, "message").Hash(), "one changed message is another revision")
}
