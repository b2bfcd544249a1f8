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

// The retry policy follows idempotency:
//   - a query (idempotent) is retried whenever another try can change the
//     answer (worthAnotherTry);
//   - a create is retried only when, besides, it never reached VOD
//     (reachedVOD): after a 5xx or a lost answer another try could create
//     the task twice.
func retryable(a api, err error, reached bool) bool {
	return worthAnotherTry(err) && (apiTraits[a].idempotent || !reached)
}

// worthAnotherTry reports a failure another try can change: a 429, a 5xx,
// no answer, an answer that could not be decoded, a failed IAM project
// look-up or metadata key fetch that asking again can fix. Other 4xx
// answers (401 above all) are final, and so is a request whose next
// attempt could only start after the deadline.
func worthAnotherTry(err error) bool {
	var transportErr *TransportError
	switch {
	case pastDeadline(err):
		return false
	case IsCredentialsError(err):
		return !finalLookupError(err)
	case errors.As(err, &transportErr):
		return transportErr.Retryable() // errors.go: a host not found is final
	}
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.Retryable()
	}
	return errors.As(err, new(*AttemptTimeoutError)) || errors.As(err, new(*DecodeError))
}

// reachedVOD reports whether an attempt may have reached VOD. It did not
// when the keys or the project ID could not be had (no call was made),
// when the gateway refused it with a 429, or when no connection was made.
// It is the one place that says so: NotSentError and the create's retries
// follow it.
func reachedVOD(rt *attemptTransport, err error) bool {
	var transportErr *TransportError
	switch {
	case !rt.sent, rt.status == http.StatusTooManyRequests:
		return false
	case errors.As(err, &transportErr) && transportErr.NeverConnected():
		return false
	}
	return true
}

// pastDeadline reports an error that says the request cannot be made
// before the caller's deadline.
func pastDeadline(err error) bool {
	return errors.As(err, new(*RetryBeyondDeadlineError)) || errors.As(err, new(*SlotBeyondDeadlineError))
}

// send runs call as a request of API a until it succeeds, fails for good,
// runs out of retries or ctx ends. The limiter decides when each attempt
// goes; retryable decides whether it is tried again. A 429 stating its
// limit, and any 429 to a create, is retried until ctx's deadline without
// counting against max_retries (unless that is 0: no retries); other
// retries back off exponentially with jitter, or after the server's
// Retry-After. A request no attempt of which reached VOD fails with a
// *NotSentError.
func (c *Client) send(ctx context.Context, a api, call func(*vodsdk.VodClient) error) error {
	l := c.limiters[a]
	var last error   // the last attempt's error
	reached := false // an attempt may have reached VOD
	fail := func(err error) error {
		if !reached {
			return &NotSentError{API: a.String(), Cause: err}
		}
		return err
	}
	retries := 0 // retries counted against max_retries
	maxAttempts := c.cfg.MaxRetries + 1
	if !apiTraits[a].idempotent {
		maxAttempts = 0 // a timed-out create is not retried: its message names no "of N"
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if last == nil {
				return fail(err)
			}
			return fail(fmt.Errorf("%w (before attempt %d; attempt %d: %v)", err, attempt, attempt-1, last))
		}
		t, err := l.wait(ctx)
		var beyond *SlotBeyondDeadlineError
		switch {
		case err != nil && last == nil:
			return fail(err)
		case errors.As(err, &beyond):
			return fail(&RetryBeyondDeadlineError{Delay: beyond.Delay, Left: beyond.Left, Window: beyond.Stated, Last: last})
		case err != nil:
			return fail(fmt.Errorf("%w (while pacing attempt %d to the API quota; attempt %d: %v)", err, attempt, attempt-1, last))
		}
		rt, err := c.attempt(ctx, attempt, maxAttempts, call)
		reachedNow := reachedVOD(rt, err)
		reached = reached || reachedNow
		stated, _ := throttleOf(err)
		retryAfter := time.Duration(0)
		if rt.status == http.StatusTooManyRequests || rt.status == http.StatusServiceUnavailable {
			retryAfter = rt.retryAfter
		}
		l.done(t, answerOf(rt, reachedNow), stated, err, retryAfter)
		if err == nil {
			return nil
		}
		last = err
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fail(fmt.Errorf("%w (during attempt %d: %v)", ctxErr, attempt, err))
		}
		if !retryable(a, err, reachedNow) {
			return fail(err)
		}
		deadline, hasDeadline := ctx.Deadline()
		throttled := hasDeadline && c.cfg.MaxRetries > 0 && rt.status == http.StatusTooManyRequests
		if throttled && stated.Limit > 0 {
			continue // the limiter holds the retry until the window can have freed, and fails at once past the deadline
		}
		if !throttled || apiTraits[a].idempotent {
			if retries++; retries > c.cfg.MaxRetries {
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
			return fail(fmt.Errorf("%w (while waiting to retry after: %v)", sleepErr, err))
		}
	}
}

// answerOf says what the gateway did with an attempt.
func answerOf(rt *attemptTransport, reached bool) answer {
	switch {
	case rt.status == http.StatusTooManyRequests:
		return throttled
	case rt.status != 0:
		return served
	case reached:
		return lost
	}
	return notSent
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
