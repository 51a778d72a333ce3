package target

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultRemoteRate is the pace, in requests per second, against a target
// that is neither embedded nor on loopback.
const DefaultRemoteRate = 5.0

// Target is where a run sends its requests: the embedded mock (a handler
// called in-process, no socket) or a base URL behind an *http.Client.
type Target struct {
	Name     string       // as shown to users: "embedded mock" or the base URL (no secrets)
	BaseURL  string       // scheme://host[/base path], without a trailing slash; the operation's path is appended
	Client   *http.Client // sends the requests
	Embedded bool         // true for an in-process handler; writes are always allowed there
	// NewHandler builds a Fresh embedded server in its initial (fixture)
	// state; nil for remote targets. A run uses it so that the same seed
	// meets the same state, and stateful sequences each start afresh.
	NewHandler func() (http.Handler, error)
}

// EmbeddedBaseURL is the base URL shown for embedded targets. Requests to
// it never leave the process; it is the address `contract mock` listens on
// by default, so the curl command of a finding reproduces it against the
// mock served with the same -fault.
const EmbeddedBaseURL = "http://127.0.0.1:8089"

// ErrDropped is the transport error of an exchange whose connection the
// server closed without answering.
var ErrDropped = errors.New("server closed the connection without an answer")

// Embedded returns a target that calls a handler built by newHandler
// in-process. The handler sees an ordinary server request; a handler that
// hijacks the connection or panics (http.ErrAbortHandler included) is seen
// by the client as a dropped connection, as net/http would show it.
func Embedded(newHandler func() (http.Handler, error)) (Target, error) {
	if newHandler == nil {
		return Target{}, errors.New("contract: embedded target needs a handler constructor")
	}
	h, err := newHandler()
	if err != nil {
		return Target{}, fmt.Errorf("contract: embedded target: %w", err)
	}
	return Target{
		Name:       "embedded mock",
		BaseURL:    EmbeddedBaseURL,
		Client:     handlerClient(h),
		Embedded:   true,
		NewHandler: newHandler,
	}, nil
}

// Fresh returns a copy of an embedded target over a new handler in its
// initial state; remote targets are returned unchanged (they have one
// server, whatever state it is in).
func (t Target) Fresh() (Target, error) {
	if !t.Embedded || t.NewHandler == nil {
		return t, nil
	}
	h, err := t.NewHandler()
	if err != nil {
		return Target{}, fmt.Errorf("contract: embedded target: %w", err)
	}
	t.Client = handlerClient(h)
	return t, nil
}

func handlerClient(h http.Handler) *http.Client {
	return &http.Client{
		Transport: handlerTransport{h},
		// The mock never redirects; if a handler did, following it in-process
		// would leave the embedded host.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// handlerTransport is an http.RoundTripper that serves each request with a
// handler in-process.
type handlerTransport struct{ h http.Handler }

// RoundTrip implements http.RoundTripper. The handler runs on its own
// goroutine so that the request's context (the client's timeout) bounds the
// wait even for a handler that ignores it.
func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading request body: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(req.Context())
	sr := req.Clone(ctx)
	sr.RequestURI = req.URL.RequestURI()
	sr.Host = req.URL.Host
	sr.RemoteAddr = "192.0.2.1:40000" // TEST-NET-1: a client address that is no one's
	sr.Proto, sr.ProtoMajor, sr.ProtoMinor = "HTTP/1.1", 1, 1
	sr.Body = io.NopCloser(bytes.NewReader(body))
	sr.ContentLength = int64(len(body))
	sr.TLS = nil

	w := &recorder{header: http.Header{}}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					done <- ErrDropped
				} else {
					done <- fmt.Errorf("%w (handler panic: %v)", ErrDropped, v)
				}
				return
			}
			done <- nil
		}()
		t.h.ServeHTTP(w, sr)
	}()
	var err error
	select {
	case err = <-done:
	case <-req.Context().Done():
		cancel() // let the handler see it too
		return nil, req.Context().Err()
	}
	cancel()
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hijacked {
		return nil, ErrDropped
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	out := w.body.Bytes()
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sent,
		Body:          io.NopCloser(bytes.NewReader(out)),
		ContentLength: int64(len(out)),
		Request:       req,
	}, nil
}

// recorder is the in-process http.ResponseWriter: like
// httptest.ResponseRecorder, but it snapshots the header at WriteHeader (as
// a server does) and supports Hijack by handing out a connection whose far
// end is already closed.
type recorder struct {
	mu       sync.Mutex
	header   http.Header
	sent     http.Header
	status   int
	body     bytes.Buffer
	hijacked bool
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(status)
}

func (w *recorder) writeHeaderLocked(status int) {
	if w.status != 0 || w.hijacked {
		return
	}
	if status < 100 || status > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", status))
	}
	w.status = status
	w.sent = w.header.Clone()
}

func (w *recorder) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	w.writeHeaderLocked(http.StatusOK)
	return w.body.Write(p)
}

// Flush implements http.Flusher; everything is buffered until the handler returns.
func (w *recorder) Flush() {}

// Hijack implements http.Hijacker: the handler gets one end of a pipe whose
// other end is closed, and the client sees a dropped connection.
func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	w.hijacked = true
	server, client := net.Pipe()
	client.Close()
	return server, bufio.NewReadWriter(bufio.NewReader(server), bufio.NewWriter(server)), nil
}

// maxHeaderBytes bounds the header of one answer from a remote target. The
// contract's answers carry a handful of short headers (spec/addons.yaml
// documents none but Allow on 405 and Retry-After on 429); net/http's
// default of 10 MB would let a server that floods headers cost every
// request megabytes and seconds before it is refused.
const maxHeaderBytes = 64 << 10

// Remote returns a target for the server at base (http or https, with any
// base path such as "/v2"). Each request is bounded by timeout, from dialling
// to the last byte of the answer's body (http.Client.Timeout covers reading
// the body, so a server that drips its answer is cut off too), and an
// answer's header by maxHeaderBytes. The client follows redirects only
// within the same host: a redirect to another host (or port) is not
// followed and the 3xx itself is the answer, so the Authorization header
// never travels to a server the user did not name.
//
// Compression stays as net/http makes it: the transport asks for gzip and
// inflates a gzip answer as it is read (it does so only because the runner
// sets no Accept-Encoding of its own), so the runner's cap on the bytes it
// reads of an answer counts inflated bytes and a gzip bomb is cut off after
// that many.
func Remote(base string, timeout time.Duration) (Target, error) {
	u, err := url.Parse(base)
	if err != nil {
		return Target{}, fmt.Errorf("contract: target %q: %w", base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return Target{}, fmt.Errorf("contract: target %q: want an http or https URL with a host, such as https://api.example.com/v2", base)
	}
	if u.User != nil {
		return Target{}, fmt.Errorf("contract: target %q: credentials in the URL are not supported (the token comes from the fixtures file)", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return Target{}, fmt.Errorf("contract: target %q: a base URL takes no query or fragment", base)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.ResponseHeaderTimeout = timeout
	tr.MaxResponseHeaderBytes = maxHeaderBytes
	// The runner sends no "Expect: 100-continue"; should a request ever
	// carry one, a server that never answers it costs at most a second
	// before the body goes anyway.
	tr.ExpectContinueTimeout = min(time.Second, timeout)
	return Target{
		Name:    u.String(),
		BaseURL: u.String(),
		Client: &http.Client{
			Transport:     tr,
			Timeout:       timeout,
			CheckRedirect: sameHostRedirect,
		},
	}, nil
}

// sameHostRedirect follows at most 5 redirects and only to the host (and
// port) of the original request; anything else returns the redirect itself.
func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return http.ErrUseLastResponse
	}
	if !strings.EqualFold(req.URL.Host, via[0].URL.Host) || req.URL.Scheme != via[0].URL.Scheme {
		return http.ErrUseLastResponse
	}
	return nil
}

// IsDialError reports whether err means the target could not be reached at
// all (refused, no such host, dial timeout), as opposed to a connection that
// was made and then dropped.
func IsDialError(err error) bool {
	if err == nil {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	return false
}

// IsTimeout reports whether err is a timeout (client or context deadline).
func IsTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// WithRootCAs returns t with the PEM certificates in pem trusted besides
// the system's roots (SSL_CERT_FILE and SSL_CERT_DIR keep working, as Go's
// defaults do), for a staging server with its own CA.
func WithRootCAs(t Target, pem []byte) (Target, error) {
	tr, ok := t.Client.Transport.(*http.Transport)
	if t.Embedded || !ok {
		return t, errors.New("contract: a CA file applies to https targets only")
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return t, errors.New("contract: no PEM certificate found")
	}
	tr = tr.Clone()
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.RootCAs = pool
	client := *t.Client
	client.Transport = tr
	t.Client = &client
	return t, nil
}
