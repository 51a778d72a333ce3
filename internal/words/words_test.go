package words

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		noun string
		want string
	}{
		{1, "case", "1 case"},
		{0, "case", "0 cases"},
		{3, "case", "3 cases"},
		{2, "entry", "2 entries"},
		{1, "entry", "1 entry"},
	} {
		if got := Count(tc.n, tc.noun); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}

func TestClip(t *testing.T) {
	if got := Clip("abcdef", 3); got != "abc…" {
		t.Errorf("Clip cut = %q", got)
	}
	if got := Clip("abc", 3); got != "abc" {
		t.Errorf("Clip short = %q", got)
	}
}
