// Command load sends one small request over and over to a URL on the
// loopback interface from a few workers for a while and prints the
// answers per second (make bench-compare, against Prism's validating
// proxy in front of the mock). It refuses any address but loopback.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	target := flag.String("url", "", "URL to POST to, on 127.0.0.1 or [::1]")
	workers := flag.Int("workers", 8, "concurrent senders")
	span := flag.Duration("for", 10*time.Second, "how long to send")
	flag.Parse()
	if err := checkLoopback(*target); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	n := send(*target, *workers, *span)
	fmt.Printf("%.0f\n", float64(n)/span.Seconds())
}

// checkLoopback refuses a URL whose host is not a loopback address.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT/...", raw)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: only loopback addresses are loaded", raw)
	}
	return nil
}

// send posts a valid body with an unknown token (the mock's 401, a small
// error answer) until span is over and returns how many were answered.
func send(target string, workers int, span time.Duration) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), span)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	body := []byte(`{"type":"webinar500_monthly","hosts":18}`)
	var answered atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer not-a-fixture-token")
				if resp, err := client.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					answered.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return answered.Load()
}
