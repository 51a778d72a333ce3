package gen

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The hand-built bodies are valid bodies of the spec, and add exactly the
// codes they name.
func TestHandBuiltBodies(t *testing.T) {
	f := addons(t)
	code := firstAddon(t, f.op)
	plain := PlainBody(code, 7)
	require.JSONEq(t, `{"type":"`+code+`","hosts":7}`, string(plain))
	require.Empty(t, f.validate(plain))
	require.Empty(t, catalogViolation(f.op, plain))

	phone, ok := PhoneBody(f.op)
	require.True(t, ok, "the catalog has every phone slot")
	require.Empty(t, f.validate(phone))
	require.Empty(t, catalogViolation(f.op, phone))
	codes, err := f.op.PlanCodes(phone)
	require.NoError(t, err)
	require.Len(t, codes, 3, "base, calling and number: %v", codes)

	_, ok = PhoneBody(pets(t).op)
	require.False(t, ok, "no phone slots, no phone body")
}
