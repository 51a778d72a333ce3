// Package hostile serves the ways a broken server misbehaves at the
// transport level (answers of gigabytes, gzip bombs, connections reset
// mid-body, deep nesting, header floods, answers that never come or come
// a byte at a time) as http.Handlers to put behind httptest servers, so
// that tests can hold the harness to bounded memory and time against each.
// Every stream is produced as it is written: nothing large is ever held in
// memory, and a handler gives up as soon as the client has gone. It knows
// nothing of the contract beyond the shape of a 201 body.
package hostile

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// plan is one item of the endless plan list Huge streams.
var plan = []byte(`{"type":"zwb_monthly","hosts":1},`)

// Huge answers 201 with a JSON body of size bytes (an object whose list of
// plans never ends before size), written as fast as the client reads it.
// With declared, the header carries the Content-Length; without, the body
// is chunked and only reading it shows its size.
func Huge(size int64, declared bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if declared {
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		}
		w.WriteHeader(http.StatusCreated)
		chunk := bytes.Repeat(plan, 2000)
		n, err := io.WriteString(w, `{"plan_webinar":[`)
		for written := int64(n); err == nil && written < size; written += int64(n) {
			n, err = w.Write(chunk[:min(int64(len(chunk)), size-written)])
		}
	})
}

// zeroMember is one gzip member that inflates to memberSize zero bytes.
var (
	zeroOnce   sync.Once
	zeroMember []byte
)

const memberSize = 16 << 20

func gzipZeros() []byte {
	zeroOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // a valid level
		zeros := make([]byte, 1<<20)
		for range memberSize / len(zeros) {
			_, _ = zw.Write(zeros)
		}
		_ = zw.Close()
		zeroMember = b.Bytes()
	})
	return zeroMember
}

// GzipBomb answers 201 with Content-Encoding gzip and a body that inflates
// to at least inflated zero bytes: one small gzip member of 16 MiB of zeros,
// sent again and again (a gzip stream may hold many members, and readers
// inflate them one after the other). It is some 16 KB on the wire per 16 MiB
// inflated.
func GzipBomb(inflated int64) http.Handler {
	// Compressed here, not on the first request: under -race on a busy
	// machine it takes seconds, which a client would see as no answer.
	member := gzipZeros()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusCreated)
		for n := int64(0); n < inflated; n += memberSize {
			if _, err := w.Write(member); err != nil {
				return
			}
		}
	})
}

// ResetMidBody answers 201 with a Content-Length, sends half the body, then
// resets the connection (SO_LINGER 0, so the close sends a TCP RST).
func ResetMidBody() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, ok := hijack(w, r)
		if !ok {
			return
		}
		body := `{"plan_webinar":[{"type":"zwb_monthly","hosts":1}]}`
		fmt.Fprintf(conn, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:len(body)/2])
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		conn.Close()
	})
}

// Nested answers 201 with a JSON body of depth arrays inside one another
// (2*depth bytes).
func Nested(depth int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(2*depth))
		w.WriteHeader(http.StatusCreated)
		for _, c := range []string{"[", "]"} {
			chunk := strings.Repeat(c, 4096)
			for left := depth; left > 0; left -= len(chunk) {
				if _, err := io.WriteString(w, chunk[:min(left, len(chunk))]); err != nil {
					return
				}
			}
		}
	})
}

// HeaderFlood answers a status line and then header lines of 1 KB without
// end (up to 1 GiB), never the blank line that ends a header.
func HeaderFlood() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, ok := hijack(w, r)
		if !ok {
			return
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, "HTTP/1.1 201 Created\r\n"); err != nil {
			return
		}
		value := strings.Repeat("a", 1000)
		for i := range 1 << 20 {
			if _, err := fmt.Fprintf(conn, "X-Flood-%d: %s\r\n", i, value); err != nil {
				return
			}
		}
	})
}

// Silent reads the request and never answers: it holds the connection
// until the client gives up.
func Silent() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// net/http notices the client hanging up only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})
}

// Drip answers a 201 header promising a 4 KB body, then sends the body one
// space every interval, until the client gives up.
func Drip(interval time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, ok := hijack(w, r)
		if !ok {
			return
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"); err != nil {
			return
		}
		for range 4096 {
			if _, err := io.WriteString(conn, " "); err != nil {
				return
			}
			time.Sleep(interval)
		}
	})
}

// ContinueThenNothing answers "100 Continue", then nothing more: it holds
// the connection until the client closes it.
func ContinueThenNothing() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, ok := hijack(w, r)
		if !ok {
			return
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, "HTTP/1.1 100 Continue\r\n\r\n"); err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, conn) // until the client closes
	})
}

// hijack reads the request body (so that the client is not cut off while
// still sending it) and takes over the connection.
func hijack(w http.ResponseWriter, r *http.Request) (net.Conn, bool) {
	_, _ = io.Copy(io.Discard, r.Body)
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "hostile: the server cannot hijack", http.StatusInternalServerError)
		return nil, false
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return nil, false
	}
	if err := buf.Flush(); err != nil {
		conn.Close()
		return nil, false
	}
	return conn, true
}
