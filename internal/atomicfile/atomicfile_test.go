package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	require.NoError(t, Write(path, func(w io.Writer) error { _, err := w.Write([]byte("old")); return err }))
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), info.Mode().Perm(), "committed files are world-readable")

	// Root ignores read-only directories, so the failure is injected: half
	// the new content reaches the temp file, then the writer errors.
	boom := errors.New("disk full")
	err = Write(path, func(w io.Writer) error {
		_, _ = w.Write([]byte("ne"))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Contains(t, err.Error(), path, "errors name the file")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "old", string(got), "a failed write leaves the old file whole")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "temporary file left behind")
}

func TestWriteMissingDirectory(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "such", "f"), func(io.Writer) error { return nil })
	require.Error(t, err)
}
