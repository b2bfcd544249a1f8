package vod

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestKeySourceRefreshesBeforeExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var fetches int
	source := fetchedKeySource(func(context.Context) (Keys, error) {
		fetches++
		return Keys{AccessKey: "AK" + string(rune('0'+fetches)), SecretKey: "s", ExpiresAt: now.Add(time.Hour)}, nil
	}, func(err error) error { return err })
	source.now = func() time.Time { return now }

	first, _ := source.get(context.Background())
	now = now.Add(49 * time.Minute) // 11 minutes left: more than the 10-minute margin
	if again, _ := source.get(context.Background()); again.AccessKey != first.AccessKey || fetches != 1 {
		t.Fatalf("keys with 11 minutes left were refreshed (fetches %d)", fetches)
	}
	now = now.Add(2 * time.Minute) // 9 minutes left
	if fresh, _ := source.get(context.Background()); fresh.AccessKey == first.AccessKey || fetches != 2 {
		t.Fatalf("keys with 9 minutes left were not refreshed (fetches %d)", fetches)
	}
}

func TestRefreshMarginScalesWithShortLifetimes(t *testing.T) {
	fetched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	keys := Keys{ExpiresAt: fetched.Add(4 * time.Second)}
	if got, want := refreshTime(keys, fetched), fetched.Add(3*time.Second); !got.Equal(want) {
		t.Fatalf("refresh at %s, want %s (a quarter of the lifetime before expiry)", got, want)
	}
}

func TestKeySourceKeepsValidKeysWhenRefreshFails(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fail := false
	source := fetchedKeySource(func(context.Context) (Keys, error) {
		if fail {
			return Keys{}, errors.New("metadata down")
		}
		return Keys{AccessKey: "AK", SecretKey: "SECRET-1", ExpiresAt: now.Add(time.Hour), Source: "test"}, nil
	}, func(err error) error { return err })
	source.now = func() time.Time { return now }
	if _, err := source.get(context.Background()); err != nil {
		t.Fatal(err)
	}
	fail = true
	now = now.Add(55 * time.Minute) // due for refresh, not expired
	if keys, err := source.get(context.Background()); err != nil || keys.AccessKey != "AK" {
		t.Fatalf("still-valid keys were dropped: %v", err)
	}
	now = now.Add(10 * time.Minute) // expired
	_, err := source.get(context.Background())
	if err == nil || !strings.Contains(err.Error(), "expired at") || strings.Contains(err.Error(), "SECRET-1") {
		t.Fatalf("err = %v", err)
	}
}

// blockingFetch is a key fetch that counts its calls and answers only when
// the test says, so that tests can hold it in flight without timing.
type blockingFetch struct {
	calls   atomic.Int32
	release chan struct{}
	err     error
}

func newBlockingFetch(err error) *blockingFetch {
	return &blockingFetch{release: make(chan struct{}), err: err}
}

func (f *blockingFetch) fetch(context.Context) (Keys, error) {
	f.calls.Add(1)
	<-f.release
	if f.err != nil {
		return Keys{}, f.err
	}
	return Keys{AccessKey: "AK", SecretKey: "s", ExpiresAt: time.Now().Add(time.Hour), Source: "test"}, nil
}

// waitForWaiters spins (no sleeping, no time bound) until n callers wait
// on the source's shared fetch.
func waitForWaiters(t *testing.T, waiters func() int, n int) {
	t.Helper()
	for waiters() < n {
		runtime.Gosched()
	}
}

func TestKeySourceRefreshesOnceForConcurrentCallers(t *testing.T) {
	for name, fetchErr := range map[string]error{"fetch succeeds": nil, "fetch fails": errors.New("metadata down")} {
		t.Run(name, func(t *testing.T) {
			f := newBlockingFetch(fetchErr)
			source := fetchedKeySource(f.fetch, func(err error) error { return err })
			errs := make(chan error, 10)
			for range 10 {
				go func() {
					_, err := source.get(context.Background())
					errs <- err
				}()
			}
			waitForWaiters(t, source.shared.waiters, 10)
			close(f.release)
			for range 10 {
				if err := <-errs; (err == nil) != (fetchErr == nil) {
					t.Errorf("err = %v, want %v", err, fetchErr)
				}
			}
			if n := f.calls.Load(); n != 1 {
				t.Fatalf("10 concurrent callers caused %d fetches, want 1", n)
			}
		})
	}
}

// A caller whose context ends while the shared fetch is under way returns at
// once; the fetch goes on and serves the others.
func TestKeySourceWaitHonoursTheCallersContext(t *testing.T) {
	f := newBlockingFetch(nil)
	source := fetchedKeySource(f.fetch, func(err error) error { return err })
	patient := make(chan error, 1)
	go func() {
		_, err := source.get(context.Background())
		patient <- err
	}()
	waitForWaiters(t, source.shared.waiters, 1)
	ctx, cancel := context.WithCancel(context.Background())
	impatient := make(chan error, 1)
	go func() {
		_, err := source.get(ctx)
		impatient <- err
	}()
	waitForWaiters(t, source.shared.waiters, 2)
	cancel()
	if err := <-impatient; !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "waiting for temporary keys") {
		t.Fatalf("the cancelled caller got %v", err)
	}
	close(f.release) // only now does the fetch end
	if err := <-patient; err != nil {
		t.Fatalf("the other caller: %v", err)
	}
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

// A failed fetch is remembered for keyRetryPause: callers in that time get
// its error without a fetch; after it, the next caller fetches again.
func TestKeySourceBacksOffAfterAFailedFetch(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var fetches int
	source := fetchedKeySource(func(context.Context) (Keys, error) {
		fetches++
		return Keys{}, errors.New("metadata down")
	}, func(err error) error { return fmt.Errorf("no keys: %w", err) })
	source.now = func() time.Time { return now }
	for range 3 {
		if _, err := source.get(context.Background()); err == nil || !strings.Contains(err.Error(), "no keys: metadata down") {
			t.Fatalf("err = %v", err)
		}
		now = now.Add(keyRetryPause / 4)
	}
	if fetches != 1 {
		t.Fatalf("%d fetches within the pause after a failure, want 1", fetches)
	}
	now = now.Add(keyRetryPause)
	_, _ = source.get(context.Background())
	if fetches != 2 {
		t.Fatalf("%d fetches after the pause, want 2", fetches)
	}
}

func TestKeysNeverPrintTheirValues(t *testing.T) {
	keys := Keys{AccessKey: "AKVALUE", SecretKey: "SKVALUE", SecurityToken: "TOKENVALUE", Source: "test"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := sprintf(format, keys)
		for _, secret := range []string{"SKVALUE", "TOKENVALUE"} {
			if strings.Contains(out, secret) {
				t.Fatalf("%s of Keys shows %s: %s", format, secret, out)
			}
		}
	}
}

func TestNewKeySourceOrder(t *testing.T) {
	file := writeTestFile(t, `{"current":"dev","profiles":[{"name":"dev","mode":"AKSK","accessKeyId":"FILEAK","secretAccessKey":"FILESK"}]}`)
	cfg := Config{AccessKey: "AK", SecretKey: "SK", KeyChain: KeyChain{SharedConfigFile: file, MetadataEndpoint: "http://127.0.0.1:1"}}
	source, err := newKeySource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if keys, _ := source.get(context.Background()); keys.AccessKey != "AK" {
		t.Fatalf("configured keys must win, got %s", keys.AccessKey)
	}
	cfg.AccessKey, cfg.SecretKey = "", ""
	source, err = newKeySource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if keys, _ := source.get(context.Background()); keys.AccessKey != "FILEAK" {
		t.Fatalf("the config file comes next, got %s", keys.AccessKey)
	}
	cfg.KeyChain.SharedConfigFile = ""
	source, err = newKeySource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var noKeys *NoKeysError
	if _, err := source.get(context.Background()); !errors.As(err, &noKeys) {
		t.Fatalf("without keys or file the metadata service is last; err = %v", err)
	}
	for _, half := range []Config{{AccessKey: "AK"}, {SecretKey: "SK"}} {
		if _, err := newKeySource(half); err == nil {
			t.Fatal("half a key pair must be an error")
		}
	}
}
