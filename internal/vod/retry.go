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
// above all) are final.
func retryAll(err error) bool {
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

// retryThrottledOnly suits calls that are not idempotent.
func retryThrottledOnly(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.HTTPStatus == http.StatusTooManyRequests
}

// withRetries runs call until it succeeds, fails for good, runs out of
// retries or ctx ends. Backoff is exponential with jitter; a Retry-After
// from the server is honoured instead.
func (c *Client) withRetries(ctx context.Context, retryable retryPolicy, call func(*vodsdk.VodClient) error) error {
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		pass, err := c.limiter.wait(ctx)
		if err != nil {
			return fmt.Errorf("%w (while pacing attempt %d to the API quota)", err, attempt)
		}
		rt, err := c.attempt(ctx, attempt, call)
		c.limiter.observe(pass, rt.status == http.StatusTooManyRequests, rt.retryAfter)
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%w (during attempt %d: %v)", ctxErr, attempt, err)
		}
		if !retryable(err) {
			return err
		}
		if attempt > c.cfg.MaxRetries {
			if attempt == 1 {
				return err
			}
			return &RetriesExhaustedError{Attempts: attempt, Last: err}
		}
		delay := c.backoff(attempt, rt.retryAfter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < delay {
			return &RetryBeyondDeadlineError{Delay: delay, Left: time.Until(deadline), RetryAfter: rt.retryAfter > 0, Last: err}
		}
		if sleepErr := c.sleep(ctx, delay); sleepErr != nil {
			return fmt.Errorf("%w (while waiting to retry after: %v)", sleepErr, err)
		}
	}
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
