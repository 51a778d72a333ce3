package corpus

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// Every value a fuzz target can take survives encodeNative then
// parseNative, as the Go toolchain writes and reads it: minimised fuzz
// inputs are written back in their own format.
func TestNativeRoundTrip(t *testing.T) {
	vals := []any{
		[]byte("\x00\xff{\"a\":1}"), "tab\there", true, false,
		byte('x'), byte(0), rune('é'), rune(-1),
		int(-7), int8(math.MinInt8), int16(300), int32(-70000), int64(math.MaxInt64),
		uint(7), uint8(255), uint16(65535), uint32(math.MaxUint32), uint64(math.MaxUint64),
		float32(1.5), float64(-2.25), math.Inf(1), float32(math.Inf(-1)),
	}
	data := encodeNative(vals)
	got, err := parseNative(data)
	require.NoError(t, err, "%s", data)
	if diff := cmp.Diff(vals, got); diff != "" {
		t.Fatalf("values changed through the file (-want +got):\n%s\nfile:\n%s", diff, data)
	}
	odd := math.Float64frombits(0x7ff8000000000001)
	nans, err := parseNative(encodeNative([]any{math.NaN(), odd}))
	require.NoError(t, err)
	require.True(t, math.IsNaN(nans[0].(float64)), "NaN")
	require.Equal(t, math.Float64bits(odd), math.Float64bits(nans[1].(float64)), "an unusual NaN keeps its bits")
}

// The literals the Go toolchain also reads: integers for byte and rune,
// NaN and ±Inf as identifiers, and CRLF line ends.
func TestNativeLiterals(t *testing.T) {
	tests := []struct {
		line string
		want any
	}{
		{"byte(0x41)", byte('A')},
		{"rune(233)", rune('é')},
		{"int64(-0x10)", int64(-16)},
		{"float64(3)", float64(3)},
		{"float64(-Inf)", math.Inf(-1)},
		{"float32(+Inf)", float32(math.Inf(1))},
		{"math.Float64frombits(0x3ff0000000000000)", float64(1)},
		{"string(`raw`)", "raw"},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			got, err := parseNative([]byte(nativeHeader + "\r\n" + tc.line + "\r\n"))
			require.NoError(t, err)
			require.Equal(t, []any{tc.want}, got)
		})
	}
}

// A bad value line is one error naming the line and what is wrong with it.
func TestNativeErrors(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"go test fuzz v2\nbyte(0)\n", `first line "go test fuzz v2", want "go test fuzz v1"`},
		{"go test fuzz v1\n\n", "no values after the go test fuzz v1 line"},
		{"go test fuzz v1\nbyte(0x100)\n", `line 2 "byte(0x100)": strconv.ParseUint: parsing "0x100": value out of range`},
		{"go test fuzz v1\nbyte('\\u0100')\n", "byte takes a single byte"},
		{"go test fuzz v1\nbyte(\"x\")\n", "byte takes a character literal"},
		{"go test fuzz v1\nbool(maybe)\n", "bool takes true or false"},
		{"go test fuzz v1\nbool(1)\n", "bool takes true or false"},
		{"go test fuzz v1\nstring(7)\n", "string takes a string literal"},
		{"go test fuzz v1\n[]byte('x')\n", "[]byte takes a string literal"},
		{"go test fuzz v1\nint8(128)\n", "value out of range"},
		{"go test fuzz v1\nuint16(-1)\n", "invalid syntax"},
		{"go test fuzz v1\nint(1.5)\n", "int takes an integer literal"},
		{"go test fuzz v1\nfloat64(\"1\")\n", "float64 takes a number literal"},
		{"go test fuzz v1\nmath.Float64frombits(1.5)\n", "math.Float64frombits takes an integer literal"},
		{"go test fuzz v1\nmath.Sqrt(2)\n", "want []byte or a basic type"},
		{"go test fuzz v1\n[]int(\"x\")\n", "want []byte or a basic type"},
		{"go test fuzz v1\ncomplex128(1)\n", "want []byte or a basic type"},
		{"go test fuzz v1\nint(^1)\n", "unsupported operator ^"},
		{"go test fuzz v1\nint(1+2)\n", "want a literal"},
		{"go test fuzz v1\nstring(\"a\", \"b\")\n", "want a conversion of one literal"},
		{"go test fuzz v1\n\"bare\"\n", "want a conversion of one literal"},
		{"go test fuzz v1\nstring(\n", "line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			_, err := parseNative([]byte(tc.file))
			require.ErrorContains(t, err, tc.want)
		})
	}
}
