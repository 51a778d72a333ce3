package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
)

// HashLen is the length of a spec hash in hex digits: 48 bits, plenty to
// tell the revisions of one document apart.
const HashLen = 12

// Hash returns the content hash of the document's bytes as loaded: the first
// HashLen hex digits of their SHA-256, with CRLF line ends read as LF so that
// a checkout with Windows line ends names the same revision. Golden files
// and corpus entries record it to say which revision they were made against.
func (d *Document) Hash() string {
	return HashBytes(d.raw)
}

// HashBytes is Hash for the bytes of a document not loaded (a file read by a
// caller, a revision out of git).
func HashBytes(data []byte) string {
	sum := sha256.Sum256(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
	return hex.EncodeToString(sum[:])[:HashLen]
}
