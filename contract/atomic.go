package contract

import (
	"io"

	"github.com/addons-contract/contract/internal/atomicfile"
)

// WriteFileAtomic writes path through write, atomically, so a reader (a CI
// step collecting -json or -junit output) sees the old file or the complete
// new one; on error path is left as it was.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, write)
}
