package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/internal/words"
)

// JUnitReporter renders a result as JUnit XML for CI systems. Every check
// that ran is a test case named after it; a check with findings becomes one
// failing test case per finding instead ("error-row self_pay"), because
// Jenkins and GitLab show only the first <failure> of a test case. Each
// skip reason is a skipped test case, and an aborted run adds an errored
// "run" test case. The suite's properties hold the seed and the target.
type JUnitReporter struct{}

var _ Reporter = JUnitReporter{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"` // CDATA keeps diffs readable in the raw file; see xmlText
}

// Report writes r to w as a JUnit XML document.
func (j JUnitReporter) Report(w io.Writer, r *contract.Result) error {
	return j.render(w, newView(r))
}

func (JUnitReporter) render(w io.Writer, v *view) error {
	suite := junitSuite{
		Name: "contract",
		Time: fmt.Sprintf("%.3f", v.duration.Seconds()),
		Properties: []junitProperty{
			{"seed", fmt.Sprint(v.Seed)},
			{"target", v.Target},
			{"operation", v.Operation},
		},
	}
	if !v.started.IsZero() {
		suite.Timestamp = v.started.UTC().Format("2006-01-02T15:04:05")
	}
	suite.checkCases(v)
	suite.runCases(v)
	suite.Tests = len(suite.Cases)

	doc := junitSuites{
		Name:     "contract",
		Tests:    suite.Tests,
		Failures: suite.Failures,
		Errors:   suite.Errors,
		Skipped:  suite.Skipped,
		Time:     suite.Time,
		Suites:   []junitSuite{suite},
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}

// checkCases adds a passing test case per check without findings and a
// failing one per finding: checks in run order, then checks only findings
// name, in finding order.
func (s *junitSuite) checkCases(v *view) {
	byCheck := map[string][]*jsonFinding{}
	var order []string
	for _, st := range v.Stats {
		order = append(order, st.Check)
		byCheck[st.Check] = nil
	}
	for i := range v.Findings {
		f := &v.Findings[i]
		if _, ok := byCheck[f.Check]; !ok {
			order = append(order, f.Check)
		}
		byCheck[f.Check] = append(byCheck[f.Check], f)
	}
	for _, check := range order {
		fs := byCheck[check]
		if len(fs) == 0 {
			s.Cases = append(s.Cases, junitCase{Classname: "contract." + check, Name: check})
			continue
		}
		for _, f := range fs {
			name := check
			if f.Row != "" {
				name += " " + f.Row
			}
			s.Cases = append(s.Cases, junitCase{
				Classname: "contract." + check,
				Name:      name,
				Failure: &junitMessage{
					Message: findingLine("", f.Check, f.Row, f.Detail),
					Type:    check,
					Text:    xmlText(failureText(f)),
				},
			})
			s.Failures++
		}
	}
}

// runCases adds the skip reasons (skipped), an abort (an error), what an
// INCONCLUSIVE run missed (a failure) and the unjudged cases (skipped).
func (s *junitSuite) runCases(v *view) {
	for _, sk := range v.Skipped {
		s.Cases = append(s.Cases, junitCase{
			Classname: "contract.skipped",
			Name:      sk.Reason,
			Skipped:   &junitMessage{Message: fmt.Sprintf("%s: %s", words.Count(sk.Count, "case"), sk.Reason)},
		})
		s.Skipped++
	}
	if v.Aborted != "" {
		s.Cases = append(s.Cases, junitCase{
			Classname: "contract.run",
			Name:      "run",
			Error:     &junitMessage{Message: "aborted: " + v.Aborted, Type: "aborted"},
		})
		s.Errors++
	}
	if len(v.Inconclusive) > 0 {
		s.Cases = append(s.Cases, junitCase{
			Classname: "contract.run",
			Name:      "evidence",
			Failure:   &junitMessage{Message: "inconclusive: " + v.Inconclusive[0] + andMore(len(v.Inconclusive)-1), Type: "inconclusive", Text: xmlText(strings.Join(v.Inconclusive, "\n"))},
		})
		s.Failures++
	}
	if v.UnjudgedN > 0 {
		s.Cases = append(s.Cases, junitCase{
			Classname: "contract.unjudged",
			Name:      "rate limited",
			Skipped:   &junitMessage{Message: fmt.Sprintf("%s unjudged: the target answered 429 until the retries ran out", words.Count(v.UnjudgedN, "case"))},
		})
		s.Skipped++
	}
}

// failureText is the body of a finding's <failure>: what the verbose
// console prints for it, without colour.
func failureText(f *jsonFinding) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s (%s)\n", f.Line, words.Count(f.Count, "case"))
	ConsoleReporter{Verbose: true}.finding(&b, f)
	return strings.TrimRight(b.String(), "\n")
}

// xmlText replaces the characters XML 1.0 cannot hold at all (NUL, most C0
// controls, U+FFFE, U+FFFF) by U+FFFD: encoding/xml escapes them in
// attributes but writes CDATA as is.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' ||
			r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return utf8.RuneError
	}, s)
}
