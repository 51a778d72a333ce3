package spec

import (
	"regexp"
	"strings"
	"sync"
)

// placeholderRE finds the "{name}" placeholders of an error row's message
// template (x-error-codes: "Account does not exist: {subAccountId}.").
var placeholderRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// Fill gives message placeholders their values, by placeholder name. A
// message made from a template takes each placeholder's first value; a
// message matched against one may hold any of them.
type Fill map[string][]string

// Placeholders lists the placeholder names of a message template in the
// order they appear, repeats included.
func Placeholders(tmpl string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(tmpl, -1) {
		out = append(out, m[1])
	}
	return out
}

// FillMessage replaces each placeholder of tmpl that has a value in fill
// (an empty string counts) by its first value and leaves the others as
// written.
func FillMessage(tmpl string, fill Fill) string {
	return placeholderRE.ReplaceAllStringFunc(tmpl, func(p string) string {
		if vals := fill[p[1:len(p)-1]]; len(vals) > 0 {
			return vals[0]
		}
		return p
	})
}

// Template is a message template compiled for matching messages against it.
type Template struct {
	re    *regexp.Regexp
	names []string // placeholder names, in order: the capture groups
}

// templateCache holds compiled templates by pattern: a run judges thousands
// of answers against a few dozen distinct (template, fill) pairs.
var templateCache sync.Map // pattern -> *regexp.Regexp

// CompileTemplate compiles tmpl: a placeholder with values in fill matches
// exactly one of them; any other placeholder ({detail}, or one fill leaves
// open) matches any non-empty text. The rest of the message must be as
// written. Compiled expressions are cached.
func CompileTemplate(tmpl string, fill Fill) *Template {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	t := &Template{}
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(tmpl, -1) {
		b.WriteString(regexp.QuoteMeta(tmpl[last:m[0]]))
		name := tmpl[m[2]:m[3]]
		t.names = append(t.names, name)
		if vals := fill[name]; len(vals) > 0 {
			alts := make([]string, len(vals))
			for i, v := range vals {
				alts[i] = regexp.QuoteMeta(v)
			}
			b.WriteString("(" + strings.Join(alts, "|") + ")")
		} else {
			b.WriteString("(.+)")
		}
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(tmpl[last:]))
	b.WriteString("$")
	pattern := b.String()
	if re, ok := templateCache.Load(pattern); ok {
		t.re = re.(*regexp.Regexp)
		return t
	}
	t.re = regexp.MustCompile(pattern)
	templateCache.Store(pattern, t.re)
	return t
}

// Fits reports whether msg is a message of the template.
func (t *Template) Fits(msg string) bool { return t.re.MatchString(msg) }

// Captured returns the text msg holds where the template's first
// placeholder called name stands; false when msg does not fit or the
// template has no such placeholder.
func (t *Template) Captured(msg, name string) (string, bool) {
	i := -1
	for j, n := range t.names {
		if n == name {
			i = j
			break
		}
	}
	if i < 0 {
		return "", false
	}
	m := t.re.FindStringSubmatch(msg)
	if m == nil {
		return "", false
	}
	return m[i+1], true
}
