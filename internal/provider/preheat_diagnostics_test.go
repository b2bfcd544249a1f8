package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

func TestDescribeWaitError(t *testing.T) {
	apiErr := &vod.APIError{Method: "GET", Path: "/v1.0/p/asset/preheating", HTTPStatus: 400, ErrorCode: "VOD.10053", ErrorMsg: "illegal field: {task_id}.", RequestID: "rid"}
	summary, detail := describeWaitError(nil, apiErr, "preheat task t1", time.Minute, "timeouts.read")
	for _, want := range []string{"HTTP 400", "error_code VOD.10053", `error_msg "illegal field: {task_id}."`, "X-Request-Id rid", "t1"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail %q lacks %q", detail, want)
		}
	}
	if summary != "VOD API error" {
		t.Errorf("summary = %q", summary)
	}
	waitErr := &vod.WaitError{TaskID: "t1", Waited: time.Second, Cause: context.Canceled}
	if summary, _ := describeWaitError(context.Canceled, waitErr, "t1", time.Minute, "timeouts.read"); summary != "Stopped waiting for the preheat task" {
		t.Errorf("cancelled wait summary = %q", summary)
	}
	timedOut := &vod.WaitError{TaskID: "t1", Waited: time.Minute, Cause: context.DeadlineExceeded}
	for setting, want := range map[string]string{"timeouts.create": "The create timeout is 1m; raise timeouts.create", "timeout": "The timeout is 1m; raise timeout"} {
		if _, detail := describeWaitError(context.DeadlineExceeded, timedOut, "t1", time.Minute, setting); !strings.Contains(detail, want) {
			t.Errorf("%s: detail %q lacks %q", setting, detail, want)
		}
	}
	// One attempt's timeout is not the read's: the read's context decides.
	attemptErr := &vod.RetriesExhaustedError{Attempts: 3, Last: &vod.AttemptTimeoutError{
		Method: "GET", Path: "/v1.0/p/asset/preheating", Timeout: time.Minute, Attempt: 3, MaxAttempts: 3}}
	summary, detail = describeWaitError(nil, fmt.Errorf("wrapped: %w", attemptErr), "t1", 20*time.Minute, "timeouts.read")
	if strings.Contains(detail, "read timeout") || !strings.Contains(detail, "no answer within 60s (the request timeout), attempt 3 of 3") ||
		!strings.Contains(detail, "raise request_timeout") {
		t.Errorf("attempt timeout: %q: %q", summary, detail)
	}
	if _, detail = describeWaitError(context.DeadlineExceeded, attemptErr, "t1", 20*time.Minute, "timeouts.read"); !strings.Contains(detail, "within the read timeout of 20m") {
		t.Errorf("read timeout: %q", detail)
	}
}

func TestDescribeCreateError(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		summary string
		detail  string
	}{
		{"throttled", &vod.RetriesExhaustedError{Attempts: 3, Last: &vod.APIError{HTTPStatus: 429, ErrorCode: "APIGW.0308"}},
			"VOD throttled the preheat request", "no preheat was started"},
		{"throttled until the deadline", &vod.RetryBeyondDeadlineError{Delay: time.Hour, Last: &vod.APIError{HTTPStatus: 429, ErrorCode: "APIGW.0308"}},
			"VOD throttled the preheat request", "give the create a longer timeout"},
		{"throttled, max_retries = 0", &vod.APIError{HTTPStatus: 429, ErrorCode: "APIGW.0308"},
			"VOD throttled the preheat request", "not retried because max_retries is 0"},
		{"refused", &vod.APIError{HTTPStatus: 400, ErrorCode: "VOD.10086"}, "VOD refused the preheat", "No preheat was started"},
		{"server error", &vod.APIError{HTTPStatus: 500, ErrorCode: "APIGW.0601", RequestID: "rid"},
			"The preheat request may or may not have started a preheat", "check in the VOD console"},
		{"403 VOD.10051 is VOD failing, not refusing", &vod.APIError{Method: "POST", HTTPStatus: 403, ErrorCode: "VOD.10051"},
			"The preheat request may or may not have started a preheat", "A create is not retried: VOD may have created the task"},
		{"no answer", &vod.TransportError{Method: "POST", Path: "/p", Err: errors.New("connection reset")},
			"The preheat request may or may not have started a preheat", "was not retried"},
		{"not sent", &vod.NotSentError{API: "create", Cause: &vod.SlotBeyondDeadlineError{API: "create", Last: &vod.APIError{HTTPStatus: 429}}},
			"The preheat request was not sent", "The request was not sent, no preheat was started"},
	} {
		summary, detail := describeCreateError(tc.err)
		if summary != tc.summary || !strings.Contains(detail, tc.detail) {
			t.Errorf("%s: got %q / %q, want %q / …%q…", tc.name, summary, detail, tc.summary, tc.detail)
		}
	}
}

func TestPartialCreationNoteCountsInTheSingular(t *testing.T) {
	perr := &vod.PreheatError{Phase: "create", Created: 1, URLsCovered: 1, NotSent: []vod.TaskSpec{{AssetID: "a9"}}}
	got := partialCreationNote(perr, vod.PreheatOutcome{TaskIDs: []string{"t1"}}, preheatRun{saved: true})
	if want := "Before this error, 1 preheat task was created, covering 1 URL; not sent: 1 task, 1 asset (a9)."; !strings.Contains(got, want) {
		t.Fatalf("note %q lacks %q", got, want)
	}
}

func TestPreheatErrorDiagnostic(t *testing.T) {
	outcome := vod.PreheatOutcome{TaskIDs: []string{"t1", "t2"}}
	perr := &vod.PreheatError{Phase: "create", Created: 2, URLsCovered: 20,
		NotSent: []vod.TaskSpec{{URLs: []string{"https://cdn.example.com/x.ts"}}, {AssetID: "a9"}},
		Cause:   &vod.APIError{HTTPStatus: 400, ErrorCode: "VOD.10086"}}
	d := preheatErrorDiagnostic(nil, perr, outcome, preheatRun{saved: true, timeout: time.Minute, timeoutSetting: "timeouts.create"})
	for _, want := range []string{"2 preheat tasks were created, covering 20 URLs", "not sent: 2 tasks, 1 URL (https://cdn.example.com/x.ts), 1 asset (a9)",
		"2 preheat tasks (t1, t2) were created and are saved in state", "tainted"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}
	action := preheatErrorDiagnostic(nil, perr, outcome, preheatRun{timeout: time.Minute, timeoutSetting: "timeout"})
	if strings.Contains(action.Detail(), "saved in state") || !strings.Contains(action.Detail(), "the action records nothing") {
		t.Errorf("the action keeps no state, and says so:\n%s", action.Detail())
	}
}
