package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

func TestProxyIsDownFromAfterForLength(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	defer backend.Close()
	target, _ := url.Parse(backend.URL)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var now atomic.Int64 // since start; the handler reads it on its own goroutine
	p := newProxy(target, 10*time.Second, 40*time.Second, func() time.Time { return start.Add(time.Duration(now.Load())) })
	front := httptest.NewServer(p)
	defer front.Close()
	for _, c := range []struct {
		at   time.Duration
		want int
	}{{0, http.StatusTeapot}, {9 * time.Second, http.StatusTeapot}, {10 * time.Second, http.StatusServiceUnavailable},
		{49 * time.Second, http.StatusServiceUnavailable}, {50 * time.Second, http.StatusTeapot}} {
		now.Store(int64(c.at))
		resp, err := http.Get(front.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("at %s: status %d, want %d", c.at, resp.StatusCode, c.want)
		}
	}
	if p.proxied != 3 || p.refused != 2 {
		t.Errorf("proxied %d, refused %d; want 3 and 2", p.proxied, p.refused)
	}
}
