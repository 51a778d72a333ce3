package golden

import (
	"io"

	"github.com/addons-contract/contract/internal/atomicfile"
)

// writeAtomic writes path so that readers see the old golden file or the new
// one, never a torn one.
func writeAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, write)
}
