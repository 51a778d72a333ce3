package report

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/addons-contract/contract/contract"
)

// Body size limits of Repro: up to inlineMax printable bytes are quoted on
// the command line, up to encodedMax bytes go through a base64 pipe, larger
// bodies need a generator or a file.
const (
	inlineMax  = 4 << 10
	encodedMax = 64 << 10
	minRun     = 1 << 10 // a run of one byte this long is generated, not printed
)

// skipHeaders are set by curl itself (or by Go's client and meaningless to
// curl); repeating them would only make the command longer or wrong.
var skipHeaders = map[string]bool{
	"content-length":  true,
	"user-agent":      true,
	"accept-encoding": true,
	"host":            true,
}

// bearerRE finds a bearer credential that is not $TOKEN: the RFC 6750
// b64token alphabet excludes "$" and quotes, so "Bearer $TOKEN" and its
// quoted forms never match.
var bearerRE = regexp.MustCompile(`(?i)\b(bearer)(\s+)([A-Za-z0-9._~+/-]+=*)`)

// RedactBearer replaces every "Bearer <credential>" in s by "Bearer $TOKEN".
// Exchanges already carry $TOKEN; this is the defence for a caller that put
// a raw token somewhere anyway. A literal non-secret credential (a made-up
// unknown token) is redacted too: being wrong in the safe direction is the
// point.
func RedactBearer(s string) string {
	return bearerRE.ReplaceAllString(s, "${1}${2}"+strings.ReplaceAll(contract.TokenVar, "$", "$$"))
}

// Repro returns a POSIX shell command that resends ex with curl: the method,
// the URL, the request headers as sent (Authorization as "Bearer $TOKEN",
// expanded by the shell; Content-Length, User-Agent, Accept-Encoding and Host
// left to curl) and the body. Every word is single-quoted except $TOKEN.
// Small printable bodies are inline; binary or larger bodies come through a
// pipe (base64, or head -c for long runs of one byte); a body over 64 KiB
// that is no such run is read from body.bin, which a trailing comment
// describes. The command never holds a token, even if ex does: anything
// reading "Bearer <credential>", a body's text included, becomes
// "Bearer $TOKEN".
func Repro(ex *contract.Exchange) string {
	if ex == nil {
		return ""
	}
	body := sentBody(ex)
	var words []string // already quoted
	words = append(words, "curl", "-sS")
	if ex.Method == http.MethodHead && len(body) == 0 {
		words = append(words, "-I") // -X HEAD makes curl wait for a body that never comes
	} else {
		words = append(words, "-i")
		if ex.Method != "" {
			method := ex.Method
			if strings.Trim(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") != "" {
				method = singleQuote(method) // a fuzzed method
			}
			words = append(words, "-X", method)
		}
	}
	if strings.ContainsAny(ex.URL, "[]{}") {
		words = append(words, "-g") // curl would glob "{accountId}" or "[0]"
	}
	if hasDotSegment(ex.URL) {
		words = append(words, "--path-as-is") // curl would squash "/../"
	}
	words = append(words, singleQuote(ex.URL))
	words = append(words, headerWords(ex.ReqHeader, len(body) > 0)...)

	pipe, data, note := bodyWords(body)
	words = append(words, data...)
	cmd := pipe + strings.Join(words, " ")
	if note != "" {
		cmd += "  # " + note
	}
	return RedactBearer(cmd)
}

// sentBody is the request body of ex: the case's body, which the runner
// sends unchanged.
func sentBody(ex *contract.Exchange) []byte {
	if ex.Case == nil {
		return nil
	}
	return ex.Case.Req.Body
}

// headerWords renders h as -H arguments, Authorization first, the rest
// sorted by name (repeated values in the order sent). With a body and no
// Content-Type, it adds -H 'Content-Type:' so curl does not invent
// application/x-www-form-urlencoded.
func headerWords(h http.Header, hasBody bool) []string {
	type header struct{ key, arg string } // sort key, -H argument
	var hs []header
	hasCT := false
	for name, values := range h {
		lower := strings.ToLower(name)
		if skipHeaders[lower] {
			continue
		}
		hasCT = hasCT || lower == "content-type"
		key := lower
		if lower == "authorization" {
			key = "" // sorts first
		}
		for _, v := range values {
			arg := name + ": " + RedactBearer(v)
			if v == "" {
				arg = name + ";" // curl's syntax for a header sent with an empty value
			}
			hs = append(hs, header{key, arg})
		}
	}
	if hasBody && !hasCT {
		hs = append(hs, header{"content-type", "Content-Type:"}) // curl's syntax for "do not send"
	}
	// Values of one name keep their order; names differing only in case
	// (impossible after canonicalisation, possible in a hand-built map) are
	// ordered by their text so the output never depends on map order.
	sort.SliceStable(hs, func(i, j int) bool {
		if hs[i].key != hs[j].key {
			return hs[i].key < hs[j].key
		}
		ni, nj := hs[i].arg[:strings.IndexAny(hs[i].arg, ":;")], hs[j].arg[:strings.IndexAny(hs[j].arg, ":;")]
		return ni < nj
	})
	words := make([]string, 0, 2*len(hs))
	for _, hd := range hs {
		words = append(words, "-H", shellWord(hd.arg))
	}
	return words
}

// bodyWords returns what goes before curl (a pipe producing the body, with
// its trailing "| "), the data arguments, and a note for a body the command
// cannot carry.
func bodyWords(body []byte) (pipe string, data []string, note string) {
	switch {
	case len(body) == 0:
		return "", nil, ""
	case len(body) <= inlineMax && shellPrintable(body):
		return "", []string{"--data-binary", singleQuote(string(body))}, ""
	}
	stdin := []string{"--data-binary", "@-"}
	if gen, ok := runGenerator(body); ok {
		return gen + " | ", stdin, ""
	}
	if len(body) <= encodedMax {
		return emitBytes(body) + " | ", stdin, ""
	}
	return "", []string{"--data-binary", "@body.bin"},
		fmt.Sprintf("body.bin must hold the %d-byte request body (too large to print; save it from the run)", len(body))
}

// runGenerator renders a body that is mostly one repeated byte (the 1 MiB
// oversize cases) as a shell group: prefix, head -c N /dev/zero | tr, suffix.
func runGenerator(body []byte) (string, bool) {
	start, n := longestRun(body)
	if n < minRun || len(body)-n > inlineMax {
		return "", false
	}
	c := body[start]
	gen := fmt.Sprintf("head -c %d /dev/zero", n)
	if c != 0 {
		gen += " | tr '\\0' " + trChar(c)
	}
	parts := []string{}
	if start > 0 {
		parts = append(parts, emitBytes(body[:start]))
	}
	parts = append(parts, gen)
	if end := start + n; end < len(body) {
		parts = append(parts, emitBytes(body[end:]))
	}
	if len(parts) == 1 {
		return gen, true
	}
	return "{ " + strings.Join(parts, "; ") + "; }", true
}

// longestRun returns the start and length of the longest run of one byte.
func longestRun(b []byte) (start, n int) {
	for i := 0; i < len(b); {
		j := i + 1
		for j < len(b) && b[j] == b[i] {
			j++
		}
		if j-i > n {
			start, n = i, j-i
		}
		i = j
	}
	return start, n
}

// trChar quotes c as a tr(1) operand: itself when plain, octal otherwise
// (backslash and quote are special to tr and to the shell).
func trChar(c byte) string {
	if c > ' ' && c < 0x7f && c != '\\' && c != '\'' {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("'\\%03o'", c)
}

// emitBytes is a command printing b exactly: printf of the quoted text when
// printable, base64 decoding otherwise.
func emitBytes(b []byte) string {
	if shellPrintable(b) {
		return "printf %s " + singleQuote(string(b))
	}
	return "printf %s " + base64.StdEncoding.EncodeToString(b) + " | base64 -d"
}

// shellPrintable reports whether b reads well between single quotes: valid UTF-8
// without NUL or control characters other than newline and tab (a carriage
// return or an escape sequence would garble the terminal it is pasted from).
func shellPrintable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < ' ' && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}

// shellWord quotes s as one shell word. "$TOKEN" inside s stays expandable:
// the word is double-quoted when nothing else in it is special to double
// quotes, and otherwise single-quoted pieces are joined around "$TOKEN".
func shellWord(s string) string {
	if !strings.Contains(s, contract.TokenVar) {
		return singleQuote(s)
	}
	parts := strings.Split(s, contract.TokenVar)
	if !strings.ContainsAny(strings.Join(parts, ""), "\"\\`$!\n") {
		return `"` + s + `"`
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(`"` + contract.TokenVar + `"`)
		}
		if p != "" {
			b.WriteString(singleQuote(p))
		}
	}
	return b.String()
}

// singleQuote quotes s for a POSIX shell: inside single quotes nothing is
// special, and a single quote is closed, written escaped, and reopened.
func singleQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// hasDotSegment reports whether the URL's path holds "." or ".." segments
// that curl would resolve before sending.
func hasDotSegment(url string) bool {
	if i := strings.IndexAny(url, "?#"); i >= 0 {
		url = url[:i]
	}
	if i := strings.Index(url, "://"); i >= 0 {
		url = url[i+3:]
	}
	for _, seg := range strings.Split(url, "/")[1:] {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// redactHeader returns a copy of h with every bearer credential redacted.
func redactHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			c[i] = RedactBearer(v)
		}
		out[k] = c
	}
	return out
}
