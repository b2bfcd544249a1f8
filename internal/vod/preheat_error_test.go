package vod

import (
	"context"
	"errors"
	"testing"
)

func TestPreheatErrorSaysWhatWasCreatedAndWhatWasNot(t *testing.T) {
	cause := &APIError{HTTPStatus: 429, ErrorCode: "APIGW.0308"}
	assets := []TaskSpec{{URLs: []string{"u1", "u2"}}}
	for i := range 7 {
		assets = append(assets, TaskSpec{AssetID: sprintf("a%d", i)})
	}
	err := error(&PreheatError{Phase: "create", Created: 3, URLsCovered: 30, AssetsUnlisted: 1, NotSent: assets, Cause: cause})
	want := "3 preheat tasks created covering 30 URLs (and 1 asset's URLs not listed yet); " +
		"not sent: 8 tasks (2 URLs, assets a0, a1, a2, a3, a4 and 2 more); " + cause.Error()
	if err.Error() != want {
		t.Fatalf("Error() =\n%q\nwant\n%q", err, want)
	}
	if !errors.Is(err, cause) {
		t.Fatal("the cause does not unwrap")
	}
	wait := &PreheatError{Phase: "wait", Created: 1, URLsCovered: 1, Cause: &WaitError{TaskID: "t1", Cause: context.DeadlineExceeded, Tasks: 1}}
	if !errors.Is(wait, context.DeadlineExceeded) || wait.Error() != "1 preheat task created covering 1 URL; timed out after 0s waiting for preheat task t1 to complete (0 polls); no query answered yet" {
		t.Fatalf("wait: %q", wait)
	}
}
