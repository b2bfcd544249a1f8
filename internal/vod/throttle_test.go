package vod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestParseThrottleReadsTheGatewaysText(t *testing.T) {
	const prefix = "The throttling threshold has been reached: policy user over ratelimit,"
	for _, c := range []struct {
		code, msg string
		want      Throttle
	}{
		{"APIGW.0308", prefix + "limit:10,time:1 minute", Throttle{10, time.Minute}},
		{"APIG.0308", prefix + "limit:100,time:1 second", Throttle{100, time.Second}},
		{"apigw.0308", prefix + "limit: 5 , time: 2 seconds", Throttle{5, 2 * time.Second}},
		{"APIGW.0308", prefix + "limit:1000,time:1 day", Throttle{1000, 24 * time.Hour}},
		{"APIGW.0308", prefix + "limit:50,time:3 Hours.", Throttle{50, 3 * time.Hour}},
		{" APIGW.0308", "policy user over ratelimit, limit:7, time:10 minutes (queries)", Throttle{7, 10 * time.Minute}},
	} {
		got, ok := parseThrottle(c.code, c.msg)
		if !ok || got != c.want {
			t.Errorf("parseThrottle(%q, %q) = %v, %v; want %v", c.code, c.msg, got, ok, c.want)
		}
	}
	for _, c := range []struct{ code, msg string }{
		{"APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit"}, // no limit: the adaptive pace
		{"APIGW.0301", prefix + "limit:10,time:1 minute"},                                       // not a throttling code
		{"APIGW.0308", prefix + "limit:0,time:1 minute"},
		{"APIGW.0308", prefix + "limit:10,time:0 minute"},
		{"APIGW.0308", prefix + "limit:10,time:1 fortnight"},
		{"APIGW.0308", prefix + "limit:10,time:99999999999 day"},
		{"APIGW.0308", prefix + "limit:99999999999999999999,time:1 minute"},
	} {
		if got, ok := parseThrottle(c.code, c.msg); ok {
			t.Errorf("parseThrottle(%q, %q) = %v, want none", c.code, c.msg, got)
		}
	}
}

func TestIsDailyQuotaExceeded(t *testing.T) {
	daily := &APIError{HTTPStatus: http.StatusTooManyRequests, ErrorCode: "APIGW.0308",
		ErrorMsg: "The throttling threshold has been reached: policy user over ratelimit,limit:1000,time:1 day"}
	minute := &APIError{HTTPStatus: http.StatusTooManyRequests, ErrorCode: "APIGW.0308",
		ErrorMsg: "The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute"}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{daily, true},
		{fmt.Errorf("creating: %w", &RetryBeyondDeadlineError{Last: daily}), true},
		{&NotSentError{API: "create", Cause: &SlotBeyondDeadlineError{Last: daily}}, true},
		{minute, false},
		{&APIError{HTTPStatus: http.StatusForbidden, ErrorCode: "APIGW.0308", ErrorMsg: daily.ErrorMsg}, false},
		{errors.New("limit:1000,time:1 day"), false},
		{nil, false},
	} {
		if got := IsDailyQuotaExceeded(c.err); got != c.want {
			t.Errorf("IsDailyQuotaExceeded(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestNotSentErrorSaysSoAndUnwraps(t *testing.T) {
	err := error(&NotSentError{API: "create", Cause: &SlotBeyondDeadlineError{API: "create", Delay: 50 * time.Second,
		Left: 20 * time.Second, Stated: Throttle{10, time.Minute}}})
	want := "the create request never reached VOD: the API's rate limit lets the next create request go in 50s, after the deadline (20s left); " +
		"the gateway allows 10 create requests per minute"
	if err.Error() != want || !IsNotSent(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %q (not sent %v, deadline %v), want %q", err, IsNotSent(err), errors.Is(err, context.DeadlineExceeded), want)
	}
	if IsNotSent(context.DeadlineExceeded) {
		t.Fatal("a bare deadline is not a request known not to be sent")
	}
}
