package vod

// Unit tests of sharedFetch: callers that ask while a fetch runs share it,
// and a caller that gives up leaves it running for the others. Fetches
// block on a channel, and waitForWaiters (credentials_test.go) says when
// every caller has joined: no sleeps.

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedFetch is a fetch that returns value or err once released, counting
// its runs and keeping the context of the first.
type gatedFetch struct {
	calls   atomic.Int32
	release chan struct{}
	value   string
	err     error
	once    sync.Once
	started chan struct{} // closed when the first run has begun
	ctx     context.Context
}

func newGatedFetch(value string, err error) *gatedFetch {
	return &gatedFetch{release: make(chan struct{}), started: make(chan struct{}), value: value, err: err}
}

func (g *gatedFetch) fetch(ctx context.Context) (string, error) {
	g.calls.Add(1)
	g.once.Do(func() { g.ctx = ctx; close(g.started) })
	<-g.release
	return g.value, g.err
}

// firstContext waits for the first run and returns its context.
func (g *gatedFetch) firstContext() context.Context {
	<-g.started
	return g.ctx
}

type fetchResult struct {
	value string
	err   error
}

// startCallers runs n callers of f.do with ctx and returns their results'
// channel once all of them wait on the fetch.
func startCallers(ctx context.Context, t *testing.T, f *sharedFetch[string], g *gatedFetch, n int) <-chan fetchResult {
	t.Helper()
	results := make(chan fetchResult, n)
	before := f.waiters()
	for range n {
		go func() {
			v, err := f.do(ctx, g.fetch)
			results <- fetchResult{v, err}
		}()
	}
	waitForWaiters(t, f.waiters, before+n)
	return results
}

func TestSharedFetchConcurrentCallersShareOneFetch(t *testing.T) {
	var f sharedFetch[string]
	g := newGatedFetch("project-1", nil)
	results := startCallers(context.Background(), t, &f, g, 8)
	close(g.release)
	for range 8 {
		if r := <-results; r.value != "project-1" || r.err != nil {
			t.Errorf("a caller got %q, %v; want the shared value", r.value, r.err)
		}
	}
	if n := g.calls.Load(); n != 1 {
		t.Fatalf("8 concurrent callers made %d fetches, want 1", n)
	}
	if n := f.waiters(); n != 0 {
		t.Errorf("%d callers still counted as waiting", n)
	}
}

func TestSharedFetchErrorReachesEveryWaiter(t *testing.T) {
	var f sharedFetch[string]
	refused := errors.New("IAM refused the key")
	g := newGatedFetch("", refused)
	results := startCallers(context.Background(), t, &f, g, 5)
	close(g.release)
	for range 5 {
		if r := <-results; !errors.Is(r.err, refused) || r.value != "" {
			t.Errorf("a caller got %q, %v; want the fetch's error", r.value, r.err)
		}
	}
	if n := g.calls.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

// A result is handed only to the callers that waited for it: the next
// call fetches again (caching is the caller's business).
func TestSharedFetchLaterCallFetchesAgain(t *testing.T) {
	var f sharedFetch[string]
	first := newGatedFetch("first", nil)
	close(first.release)
	if v, err := f.do(context.Background(), first.fetch); v != "first" || err != nil {
		t.Fatalf("first call: %q, %v", v, err)
	}
	second := newGatedFetch("second", nil)
	close(second.release)
	if v, err := f.do(context.Background(), second.fetch); v != "second" || err != nil {
		t.Fatalf("second call: %q, %v; want a fetch of its own", v, err)
	}
	if first.calls.Load() != 1 || second.calls.Load() != 1 {
		t.Fatalf("fetches: first %d, second %d; want one each", first.calls.Load(), second.calls.Load())
	}
}

// The caller that started the fetch gives up: it gets its context's error
// at once, while the fetch, which runs without that cancellation, goes on
// and serves the caller still waiting.
func TestSharedFetchCallerCancellationLeavesTheFetchToOthers(t *testing.T) {
	var f sharedFetch[string]
	g := newGatedFetch("project-1", nil)
	type key struct{}
	starterCtx, cancelStarter := context.WithDeadline(context.WithValue(context.Background(), key{}, "starter"), time.Now().Add(time.Hour))
	defer cancelStarter()
	starter := startCallers(starterCtx, t, &f, g, 1)
	other := startCallers(context.Background(), t, &f, g, 1)

	cancelStarter()
	if r := <-starter; !errors.Is(r.err, context.Canceled) || r.value != "" {
		t.Fatalf("the cancelled caller got %q, %v; want context.Canceled", r.value, r.err)
	}
	fetchCtx := g.firstContext()
	if fetchCtx.Err() != nil {
		t.Fatalf("the caller's cancellation reached the fetch: %v", fetchCtx.Err())
	}
	if _, hasDeadline := fetchCtx.Deadline(); hasDeadline || fetchCtx.Value(key{}) != "starter" {
		t.Errorf("the fetch's context should keep the starter's values, without its deadline")
	}
	if n := f.waiters(); n != 1 { // do had returned, so the cancelled caller no longer counts
		t.Errorf("%d callers waiting, want the 1 left", n)
	}

	close(g.release)
	if r := <-other; r.value != "project-1" || r.err != nil {
		t.Fatalf("the caller still waiting got %q, %v; want the fetch's value", r.value, r.err)
	}
	if n := g.calls.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}
