package vod

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// KeyChain says where keys come from when Config.AccessKey and
// Config.SecretKey are empty. The sources are tried in this order and the
// first that yields keys wins: the caller's own (Config.AccessKey...), the
// Huawei Cloud CLI config file when one is named, then the ECS metadata
// service, which is only asked when nothing above yields keys.
type KeyChain struct {
	// CheckedSources describe where the caller already looked for keys (the
	// provider block, environment variables), for the "no keys" error.
	CheckedSources []string
	// SharedConfigFile is a Huawei Cloud CLI (KooCLI) config file; it is read
	// only when named. Profile picks one of its profiles; empty means the
	// file's current profile.
	SharedConfigFile string
	Profile          string
	// MetadataEndpoint is the ECS metadata service's base URL; empty means
	// DefaultMetadataEndpoint.
	MetadataEndpoint string
	// MetadataTimeout bounds one metadata request; zero means
	// DefaultMetadataTimeout, so a machine without the service fails fast.
	MetadataTimeout time.Duration
}

// Keys are one set of AK/SK credentials. String and GoString hide the
// values, so that a stray %v cannot print them.
type Keys struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	ExpiresAt     time.Time // zero for keys that do not expire
	Source        string    // where they came from, for messages
}

// String names where the keys came from, never the keys themselves.
func (k Keys) String() string { return "keys from " + k.Source }

// GoString keeps %#v from printing the secret too.
func (k Keys) GoString() string { return k.String() }

// Temporary credentials are refreshed when less than this (or a quarter of
// their lifetime, if shorter) is left, so that no request is signed with keys
// about to expire.
const maxRefreshMargin = 10 * time.Minute

// keyRetryPause is how long a failed key fetch is remembered: callers in
// that time get its error at once instead of each waiting for a fetch of
// their own (ten parallel reads against a metadata service that times out
// would otherwise queue ten timeouts).
const keyRetryPause = 10 * time.Second

// keySource hands out current keys. Fixed keys never change; fetched ones
// (the metadata service's) are fetched on first use and again before they
// expire, by one fetch that concurrent callers share. It is safe for
// concurrent use.
type keySource struct {
	fixed   *Keys                               // set for keys that never change
	fetch   func(context.Context) (Keys, error) // otherwise this fetches them
	explain func(error) error                   // turns a first failed fetch into the error shown
	now     func() time.Time
	shared  sharedFetch[Keys]

	mu        sync.Mutex // guards what follows; never held during a fetch
	current   Keys
	fetchedAt time.Time
	failure   error // the last fetch's error, until a fetch succeeds
	failedAt  time.Time
}

func fixedKeySource(k Keys) *keySource { return &keySource{fixed: &k} }

func fetchedKeySource(fetch func(context.Context) (Keys, error), explain func(error) error) *keySource {
	return &keySource{fetch: fetch, explain: explain, now: time.Now}
}

// get returns keys valid now. When they are due for refresh, it joins the
// fetch under way or starts one, and waits for it as long as ctx allows;
// keys that have not expired yet are used when the fetch fails or ctx ends.
func (s *keySource) get(ctx context.Context) (Keys, error) {
	if s.fixed != nil {
		return *s.fixed, nil
	}
	if keys, done, err := s.settled(); done {
		return keys, err
	}
	fresh, err := s.shared.do(ctx, s.fetchOnce)
	if err == nil {
		return fresh, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		if s.usable(s.now()) {
			return s.current, nil
		}
		return Keys{}, fmt.Errorf("%w while waiting for temporary keys", err)
	}
	return s.afterFailure(err)
}

// settled answers without a fetch when the keys are not due for refresh, or
// a fetch failed moments ago.
func (s *keySource) settled() (keys Keys, done bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.current.AccessKey != "" && now.Before(refreshTime(s.current, s.fetchedAt)) {
		return s.current, true, nil
	}
	if s.failure != nil && now.Before(s.failedAt.Add(keyRetryPause)) {
		keys, err := s.afterFailure(s.failure)
		return keys, true, err
	}
	return Keys{}, false, nil
}

// fetchOnce is the shared fetch: it asks again only if no other fetch
// settled the matter since the caller looked.
func (s *keySource) fetchOnce(ctx context.Context) (Keys, error) {
	if keys, done, err := s.settled(); done {
		return keys, err
	}
	start := s.now()
	fresh, err := s.fetch(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failure, s.failedAt = err, s.now()
		return Keys{}, err
	}
	s.current, s.fetchedAt, s.failure = fresh, start, nil
	return fresh, nil
}

// usable reports whether the current keys still work at now. s.mu is held.
func (s *keySource) usable(now time.Time) bool {
	return s.current.AccessKey != "" && (s.current.ExpiresAt.IsZero() || now.Before(s.current.ExpiresAt))
}

// afterFailure is what a caller gets when fetching failed: keys that have
// not expired yet still work. s.mu is held.
func (s *keySource) afterFailure(err error) (Keys, error) {
	switch {
	case s.usable(s.now()):
		return s.current, nil
	case s.current.AccessKey != "":
		return Keys{}, &KeyRefreshError{Source: s.current.Source, ExpiredAt: s.current.ExpiresAt, Err: err}
	}
	return Keys{}, s.explain(err)
}

// refreshTime is when keys fetched at fetchedAt should be replaced.
func refreshTime(k Keys, fetchedAt time.Time) time.Time {
	if k.ExpiresAt.IsZero() {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	margin := min(maxRefreshMargin, k.ExpiresAt.Sub(fetchedAt)/4)
	return k.ExpiresAt.Add(-margin)
}

// newKeySource follows the chain described on KeyChain. It reads a named
// config file now, so that its errors show at configuration; the metadata
// service is only asked on first use.
func newKeySource(cfg Config) (*keySource, error) {
	chain := cfg.KeyChain
	switch {
	case cfg.AccessKey != "" && cfg.SecretKey != "":
		return fixedKeySource(Keys{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, SecurityToken: cfg.SecurityToken, Source: "the configuration"}), nil
	case cfg.AccessKey != "":
		return nil, errors.New("an access key was given without its secret key")
	case cfg.SecretKey != "":
		return nil, errors.New("a secret key was given without its access key")
	}
	tried := append([]string(nil), chain.CheckedSources...)
	if chain.SharedConfigFile != "" {
		keys, useMetadata, err := readProfileKeys(chain.SharedConfigFile, chain.Profile)
		if err != nil {
			return nil, err
		}
		if !useMetadata {
			return fixedKeySource(keys), nil
		}
		tried = append(tried, "the Huawei Cloud CLI config file "+chain.SharedConfigFile+" (its profile uses the ECS agency)")
	} else {
		tried = append(tried, "a Huawei Cloud CLI config file (none named)")
	}
	metadata := newMetadataClient(chain.MetadataEndpoint, chain.MetadataTimeout)
	return fetchedKeySource(metadata.fetch, func(err error) error {
		return &NoKeysError{Tried: tried, Metadata: metadata.endpoint, Err: err}
	}), nil
}

// NoKeysError says that no source yielded keys, listing those tried in order.
type NoKeysError struct {
	Tried    []string // sources that had no keys, before the metadata service
	Metadata string   // the metadata service's base URL
	Err      error    // why the metadata service gave none
}

func (e *NoKeysError) Error() string {
	var b strings.Builder
	b.WriteString("no credentials found. Sources tried, in order: ")
	for i, source := range e.Tried {
		fmt.Fprintf(&b, "%d) %s; ", i+1, source)
	}
	fmt.Fprintf(&b, "%d) the ECS metadata service at %s: %v. "+
		"Set access_key and secret_key, name a Huawei Cloud CLI config file with shared_config_file, "+
		"or run on an ECS instance with an IAM agency", len(e.Tried)+1, e.Metadata, e.Err)
	return b.String()
}

func (e *NoKeysError) Unwrap() error { return e.Err }

// KeyRefreshError is temporary keys that expired and could not be renewed.
type KeyRefreshError struct {
	Source    string
	ExpiredAt time.Time
	Err       error
}

func (e *KeyRefreshError) Error() string {
	return fmt.Sprintf("the temporary keys from %s expired at %s and refreshing them failed: %v",
		e.Source, e.ExpiredAt.UTC().Format(time.RFC3339), e.Err)
}

func (e *KeyRefreshError) Unwrap() error { return e.Err }

// IsCredentialsError reports whether err means the client could not get keys
// or a project ID, so that no request reached VOD.
func IsCredentialsError(err error) bool {
	return errors.As(err, new(*NoKeysError)) || errors.As(err, new(*KeyRefreshError)) ||
		errors.As(err, new(*ProjectLookupError)) || errors.As(err, new(*ProfileError))
}

// sharedFetch is one fetch that the callers asking while it runs share
// (singleflight.DoChan): it runs without their cancellation, since it
// serves them all, and is bounded by its own timeout, which fetch applies;
// each caller waits only as long as its own ctx allows.
type sharedFetch[T any] struct {
	group   singleflight.Group
	waiting atomic.Int32 // callers joined and waiting, for tests
}

func (f *sharedFetch[T]) do(ctx context.Context, fetch func(context.Context) (T, error)) (T, error) {
	done := f.group.DoChan("", func() (any, error) { return fetch(context.WithoutCancel(ctx)) })
	f.waiting.Add(1) // after DoChan: the caller has joined
	defer f.waiting.Add(-1)
	select {
	case r := <-done:
		value, _ := r.Val.(T)
		return value, r.Err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

func (f *sharedFetch[T]) waiters() int { return int(f.waiting.Load()) }

// CheckKeys finds the keys the client would sign with, without any call to
// VOD (the metadata service may be asked), so that a configuration with no
// credentials at all is refused before anything is created.
func (c *Client) CheckKeys(ctx context.Context) error {
	_, err := c.keys.get(ctx)
	return err
}
