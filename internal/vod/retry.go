package vod

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	vodsdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1"
)

// retryPolicy says whether an error from one attempt may be retried.
type retryPolicy func(err error) bool

// retryAll retries throttling, server errors, answers that could not be
// decoded and requests that got no answer in time. Other 4xx answers (401
// above all) are final, and so is a request whose next attempt could only
// start after the deadline: retrying it sooner cannot help.
func retryAll(err error) bool {
	if pastDeadline(err) {
		return false
	}
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.Retryable()
	}
	var (
		transportErr *TransportError
		timeoutErr   *AttemptTimeoutError
		decodeErr    *DecodeError
	)
	if errors.As(err, &transportErr) {
		return transportErr.Retryable() // errors.go: a host not found is final
	}
	return errors.As(err, &timeoutErr) || errors.As(err, &decodeErr)
}

// retryNotReceived suits calls that are not idempotent: it retries only
// what VOD cannot have received, a 429 (refused by the gateway before VOD
// saw it) and a connection that was never made.
func retryNotReceived(err error) bool {
	if pastDeadline(err) {
		return false
	}
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.HTTPStatus == http.StatusTooManyRequests
	}
	var transportErr *TransportError
	return errors.As(err, &transportErr) && transportErr.NeverConnected() && transportErr.Retryable()
}

// pastDeadline reports an error that says the request cannot be made
// before the caller's deadline.
func pastDeadline(err error) bool {
	return errors.As(err, new(*RetryBeyondDeadlineError)) || errors.As(err, new(*SlotBeyondDeadlineError))
}

// retryRule is how one API's calls are retried.
type retryRule struct {
	retryable retryPolicy
	// throttledUntilDeadline retries 429s until ctx's deadline instead of
	// max_retries times, and never retries after a timeout (so an attempt
	// timeout names no "of N").
	throttledUntilDeadline bool
}

var (
	queryRetries = retryRule{retryable: retryAll}
	// Creating is not idempotent: only a throttled request is sent again,
	// until the create's deadline (the create timeout), and one that never
	// connected, up to max_retries.
	createRetries = retryRule{retryable: retryNotReceived, throttledUntilDeadline: true}
)

// withRetries runs call through budget b until it succeeds, fails for
// good, runs out of retries or ctx ends. A 429 stating the gateway's limit
// is retried when the budget's window can have freed, until ctx's deadline,
// without counting against max_retries (unless that is 0: no retries);
// other retries back off exponentially with jitter, or after the server's
// Retry-After. A request that never left the client, or never connected,
// fails with a *NotSentError.
func (c *Client) withRetries(ctx context.Context, b *budget, rule retryRule, call func(*vodsdk.VodClient) error) error {
	var last error // the last attempt's error
	sent := false  // an attempt reached the server
	fail := func(err error) error {
		if !sent {
			return &NotSentError{API: b.api, Cause: err}
		}
		return err
	}
	// reached is set once an attempt may have reached VOD itself. A stop
	// by ctx before then (Ctrl-C or the timeout while a throttled request
	// waits its turn) is a *NotSentError: VOD never saw the request.
	reached := false
	stopped := func(err error) error {
		if !reached && !IsNotSent(err) {
			return &NotSentError{API: b.api, Cause: err}
		}
		return err
	}
	retries := 0 // retries counted against max_retries
	maxAttempts := c.cfg.MaxRetries + 1
	if rule.throttledUntilDeadline {
		maxAttempts = 0
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if attempt == 1 {
				return &NotSentError{API: b.api, Cause: err}
			}
			return stopped(fmt.Errorf("%w (before attempt %d; attempt %d: %v)", err, attempt, attempt-1, last))
		}
		pass, err := b.wait(ctx)
		if err != nil {
			var beyond *SlotBeyondDeadlineError
			switch {
			case !sent:
				return &NotSentError{API: b.api, Cause: err}
			case errors.As(err, &beyond):
				return &RetryBeyondDeadlineError{Delay: beyond.Delay, Left: beyond.Left, Window: beyond.Stated, Last: last}
			}
			return stopped(fmt.Errorf("%w (while pacing attempt %d to the API quota; attempt %d: %v)", err, attempt, attempt-1, last))
		}
		rt, err := c.attempt(ctx, attempt, maxAttempts, call)
		sent = sent || rt.sent && !neverConnected(err)
		reached = reached || reachedVOD(rt, err)
		stated, _ := throttleOf(err)
		b.observe(pass, answerOf(rt), stated, err, rt.retryAfter)
		if err == nil {
			return nil
		}
		last = err
		if ctxErr := ctx.Err(); ctxErr != nil {
			return stopped(fail(fmt.Errorf("%w (during attempt %d: %v)", ctxErr, attempt, err)))
		}
		if !rule.retryable(err) {
			return fail(err)
		}
		// max_retries 0 means no retry at all; otherwise a throttled request
		// whose window is known, or a throttled create, is retried until
		// the deadline.
		deadline, hasDeadline := ctx.Deadline()
		untilDeadline := hasDeadline && c.cfg.MaxRetries > 0 && rt.status == http.StatusTooManyRequests
		if untilDeadline && stated.Limit > 0 {
			continue // b holds the retry until the window can have freed, and fails at once past the deadline
		}
		throttledUntilDeadline := untilDeadline && rule.throttledUntilDeadline
		if !throttledUntilDeadline {
			retries++
			if retries > c.cfg.MaxRetries {
				if attempt == 1 {
					return fail(err)
				}
				return fail(&RetriesExhaustedError{Attempts: attempt, Last: err})
			}
		}
		delay := c.backoff(attempt, rt.retryAfter)
		if hasDeadline && time.Until(deadline) < delay {
			return fail(&RetryBeyondDeadlineError{Delay: delay, Left: time.Until(deadline), RetryAfter: rt.retryAfter > 0, Last: err})
		}
		if sleepErr := c.sleep(ctx, delay); sleepErr != nil {
			return stopped(fail(fmt.Errorf("%w (while waiting to retry after: %v)", sleepErr, err)))
		}
	}
}

// reachedVOD reports whether an attempt may have reached VOD itself: it
// connected, and the gateway did not refuse it with a 429 (which it does
// before VOD sees the request). Until one has, a stop is a *NotSentError.
func reachedVOD(rt *attemptTransport, err error) bool {
	return rt.sent && !neverConnected(err) && rt.status != http.StatusTooManyRequests
}

// answerOf says what the server did with an attempt.
func answerOf(rt *attemptTransport) answer {
	switch rt.status {
	case 0:
		return noAnswer
	case http.StatusTooManyRequests:
		return throttled
	}
	return served
}

// backoff returns the pause before retry number attempt (1-based): the
// server's Retry-After when given, otherwise base·2^(attempt-1), capped,
// with "equal jitter" so that many clients do not retry in lockstep.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	delay := c.cfg.RetryMaxDelay
	if shift := attempt - 1; shift < 30 {
		if d := c.cfg.RetryBaseDelay << shift; d > 0 && d < delay {
			delay = d
		}
	}
	half := delay / 2
	return half + time.Duration(c.jitter()*float64(half))
}

// randomJitter needs spread, not secrecy, so math/rand is right here.
func randomJitter() float64 { return rand.Float64() } //nolint:gosec // G404: jitter is not a secret

// sleepContext pauses for d or until ctx ends, whichever is first.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
