package vod

import (
	"context"
	"sync"
)

// sharedFetch runs at most one fetch at a time and hands its result to every
// caller that asked while it ran. No lock is held during the fetch, and each
// caller waits only as long as its own context allows: the fetch itself runs
// without the callers' cancellation (it serves them all) and is bounded by
// its own timeout, which fetch must apply.
type sharedFetch[T any] struct {
	mu      sync.Mutex
	running *fetchCall[T]
	waiting int // callers waiting now, for tests
}

type fetchCall[T any] struct {
	done  chan struct{}
	value T
	err   error
}

// do joins the fetch under way or starts one. A caller whose context ends
// first gets ctx's error at once; the fetch goes on for the others.
func (f *sharedFetch[T]) do(ctx context.Context, fetch func(context.Context) (T, error)) (T, error) {
	f.mu.Lock()
	call := f.running
	if call == nil {
		call = &fetchCall[T]{done: make(chan struct{})}
		f.running = call
		go func() {
			call.value, call.err = fetch(context.WithoutCancel(ctx))
			f.mu.Lock()
			f.running = nil
			f.mu.Unlock()
			close(call.done)
		}()
	}
	f.waiting++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.waiting--
		f.mu.Unlock()
	}()
	select {
	case <-call.done:
		return call.value, call.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// waiters is how many callers wait for the fetch under way.
func (f *sharedFetch[T]) waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waiting
}
