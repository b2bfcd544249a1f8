// Command outage is a reverse proxy for the benchmarks that answers every
// request with a load balancer's 503 page for a while: from --after past
// the first request it proxies, for --for. Like the emulator, it prints one
// line, "listening on http://HOST:PORT", and serves until SIGINT or SIGTERM.
//
//	outage --target http://127.0.0.1:8080 --after 10s --for 40s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	target := flag.String("target", "", "base URL to proxy to, such as the emulator's")
	after := flag.Duration("after", 10*time.Second, "the outage starts this long after the first request")
	length := flag.Duration("for", 40*time.Second, "how long the outage lasts")
	flag.Parse()
	if err := run(*listen, *target, *after, *length); err != nil {
		fmt.Fprintln(os.Stderr, "outage:", err)
		os.Exit(1)
	}
}

func run(listen, target string, after, length time.Duration) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("--target %q is not a base URL", target)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	p := newProxy(u, after, length, time.Now)
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Printf("proxied %d requests, answered %d with 503 during the outage", p.proxied, p.refused)
	return nil
}

// proxy forwards to the target except during the outage.
type proxy struct {
	forward       http.Handler
	after, length time.Duration
	now           func() time.Time

	mu               sync.Mutex
	first            time.Time
	proxied, refused int
}

func newProxy(target *url.URL, after, length time.Duration, now func() time.Time) *proxy {
	return &proxy{forward: httputil.NewSingleHostReverseProxy(target), after: after, length: length, now: now}
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	now := p.now()
	if p.first.IsZero() {
		p.first = now
	}
	down := !now.Before(p.first.Add(p.after)) && now.Before(p.first.Add(p.after+p.length))
	if down {
		p.refused++
	} else {
		p.proxied++
	}
	p.mu.Unlock()
	if !down {
		p.forward.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = fmt.Fprint(w, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n")
}
