package emulator

// These tests drive the emulator with the official Huawei Cloud Go SDK, so the
// verifier is checked against the real client's canonicalisation, headers
// (User-Agent, X-Project-Id, X-Security-Token, ...) and error parsing.

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	vod "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1/model"
)

type sdkOptions struct {
	ak, sk, projectID, token string
	roundTripper             http.RoundTripper
}

func newSDKClient(t *testing.T, endpoint string, o sdkOptions) *vod.VodClient {
	t.Helper()
	builder := basic.NewCredentialsBuilder().WithAk(o.ak).WithSk(o.sk).WithProjectId(o.projectID)
	if o.token != "" {
		builder = builder.WithSecurityToken(o.token)
	}
	cred, err := builder.SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	httpConfig := config.DefaultHttpConfig().WithRetries(0)
	if o.roundTripper != nil {
		httpConfig = httpConfig.WithHttpRoundTripper(o.roundTripper)
	}
	hc, err := vod.VodClientBuilder().
		WithEndpoints([]string{endpoint}).
		WithCredential(cred).
		WithHttpConfig(httpConfig).
		SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return vod.NewVodClient(hc)
}

// logRecorder keeps the emulator's log lines so tests can check why a
// request was rejected (the HTTP answer deliberately does not say).
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecorder) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logRecorder) contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// sdkServer runs an emulator on the real clock, as the SDK signs with time.Now.
func sdkServer(t *testing.T, mutate func(*Config)) (*Server, string, *logRecorder) {
	t.Helper()
	logs := &logRecorder{}
	cfg := Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID, ProcessingTime: -1, Logf: logs.Logf}
	if mutate != nil {
		mutate(&cfg)
	}
	srv := New(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL, logs
}

// expectRejectedFor checks the logged rejection reason.
func expectRejectedFor(t *testing.T, logs *logRecorder, reason string) {
	t.Helper()
	if !logs.contains("rejected") || !logs.contains(reason) {
		t.Fatalf("no rejection logged for %q; log: %v", reason, logs.lines)
	}
}

// authCapture records the Authorization header the SDK sent.
type authCapture struct {
	mu   sync.Mutex
	auth []string
}

func (c *authCapture) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.auth = append(c.auth, r.Header.Get("Authorization"))
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func createAndShow(t *testing.T, client *vod.VodClient) {
	t.Helper()
	urls := []string{"https://cdn.example.com/a b.mp4?x=1&y=2", "https://cdn.example.com/fail.mp4"}
	created, err := client.CreatePreheatingAsset(&model.CreatePreheatingAssetRequest{
		Body: &model.CreatePreheatingAssetReq{Urls: &urls},
	})
	if err != nil {
		t.Fatalf("CreatePreheatingAsset: %v", err)
	}
	if created.TaskId == nil || !hex32.MatchString(*created.TaskId) {
		t.Fatalf("task id = %v", created.TaskId)
	}
	shown, err := client.ShowPreheatingAsset(&model.ShowPreheatingAssetRequest{TaskId: *created.TaskId})
	if err != nil {
		t.Fatalf("ShowPreheatingAsset: %v", err)
	}
	if shown.PreheatingResults == nil || len(*shown.PreheatingResults) != 2 {
		t.Fatalf("results = %v", shown.PreheatingResults)
	}
	want := []string{"succeed", "failed"}
	for i, r := range *shown.PreheatingResults {
		if r.Url == nil || *r.Url != urls[i] || r.Status == nil || r.Status.Value() != want[i] {
			t.Errorf("result %d = %v", i, r)
		}
	}
}

func TestSDKCreateAndShow(t *testing.T) {
	_, url, _ := sdkServer(t, nil)
	capture := &authCapture{}
	createAndShow(t, newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID, roundTripper: capture}))
	// The SDK signs User-Agent and X-Project-Id too; the verifier must cope.
	for _, auth := range capture.auth {
		if !strings.Contains(auth, "SignedHeaders=user-agent;x-project-id;x-sdk-date,") {
			t.Errorf("unexpected SDK Authorization shape: %s", auth)
		}
	}
}

func TestSDKWithSecurityToken(t *testing.T) {
	_, url, logs := sdkServer(t, func(c *Config) { c.SecurityToken = "TOKENEXAMPLE" })
	createAndShow(t, newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID, token: "TOKENEXAMPLE"}))

	wrong := newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID, token: "OTHER"})
	expectUnauthorized(t, showUnknown(wrong))
	missing := newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID})
	expectUnauthorized(t, showUnknown(missing))
	expectRejectedFor(t, logs, ErrSecurityToken.Error())
}

func showUnknown(client *vod.VodClient) error {
	id := "5199337c31c8e4622f1590735b13a263"
	_, err := client.ShowPreheatingAsset(&model.ShowPreheatingAssetRequest{TaskId: id})
	return err
}

func expectUnauthorized(t *testing.T, err error) {
	t.Helper()
	var sre *sdkerr.ServiceResponseError
	if !errors.As(err, &sre) {
		t.Fatalf("error = %v (%T), want *sdkerr.ServiceResponseError", err, err)
	}
	if sre.StatusCode != http.StatusUnauthorized || sre.ErrorCode != "APIGW.0301" || sre.RequestId == "" {
		t.Fatalf("error = %+v, want 401 APIGW.0301 with a request id", sre)
	}
}

func TestSDKUnknownTaskIsVOD10053(t *testing.T) {
	_, url, _ := sdkServer(t, nil)
	err := showUnknown(newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID}))
	var sre *sdkerr.ServiceResponseError
	if !errors.As(err, &sre) || sre.StatusCode != http.StatusBadRequest || sre.ErrorCode != "VOD.10053" {
		t.Fatalf("error = %v, want 400 VOD.10053", err)
	}
}

func TestSDKWrongSecretKey(t *testing.T) {
	_, url, logs := sdkServer(t, nil)
	expectUnauthorized(t, showUnknown(newSDKClient(t, url, sdkOptions{ak: testAK, sk: "WRONG", projectID: testPID})))
	expectRejectedFor(t, logs, ErrSignatureMismatch.Error())
}

// tamperTransport rewrites the query after the SDK has signed the request.
type tamperTransport struct{}

func (tamperTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	q := r.URL.Query()
	q.Set("task_id", "ffffffffffffffffffffffffffffffff")
	r.URL.RawQuery = q.Encode()
	return http.DefaultTransport.RoundTrip(r)
}

func TestSDKTamperedRequest(t *testing.T) {
	srv, url, logs := sdkServer(t, nil)
	srv.SeedTask("ffffffffffffffffffffffffffffffff", []URLSeed{{URL: "https://cdn.example.com/x.mp4"}})
	client := newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID, roundTripper: tamperTransport{}})
	expectUnauthorized(t, showUnknown(client))
	expectRejectedFor(t, logs, ErrSignatureMismatch.Error())
}

func TestSDKStaleSignature(t *testing.T) {
	_, url, logs := sdkServer(t, func(c *Config) {
		c.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
	})
	expectUnauthorized(t, showUnknown(newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID})))
	expectRejectedFor(t, logs, ErrClockSkew.Error())
}

func TestSDKWrongProject(t *testing.T) {
	_, url, logs := sdkServer(t, nil)
	client := newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: "ffffffffffffffffffffffffffffffff"})
	expectUnauthorized(t, showUnknown(client))
	expectRejectedFor(t, logs, "project id does not match")
}

func TestSDKThrottledAnswerIsParsed(t *testing.T) {
	srv, url, _ := sdkServer(t, nil)
	srv.InjectFaults(1, Fault429("1"))
	err := showUnknown(newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID}))
	var sre *sdkerr.ServiceResponseError
	if !errors.As(err, &sre) || sre.StatusCode != http.StatusTooManyRequests || sre.ErrorCode != "APIGW.0308" || sre.RequestId == "" {
		t.Fatalf("error = %v, want 429 APIGW.0308", err)
	}
}

// headerRewriter changes the request the SDK signed just before it is sent.
type headerRewriter func(r *http.Request)

func (f headerRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	f(r)
	return http.DefaultTransport.RoundTrip(r)
}

func TestSDKSignatureMustBeLowercaseHex(t *testing.T) {
	srv, url, logs := sdkServer(t, nil)
	srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	good := newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID})
	if _, err := good.ShowPreheatingAsset(&model.ShowPreheatingAssetRequest{TaskId: "t1"}); err != nil {
		t.Fatalf("the SDK's own signature: %v", err)
	}
	upper := newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID, roundTripper: headerRewriter(func(r *http.Request) {
		auth := r.Header.Get("Authorization")
		i := strings.Index(auth, "Signature=") + len("Signature=")
		r.Header.Set("Authorization", auth[:i]+strings.ToUpper(auth[i:]))
	})})
	_, err := upper.ShowPreheatingAsset(&model.ShowPreheatingAssetRequest{TaskId: "t1"})
	expectUnauthorized(t, err)
	expectRejectedFor(t, logs, ErrSignatureMismatch.Error())
}

func TestSDKProjectIDMustBeSigned(t *testing.T) {
	srv, url, logs := sdkServer(t, nil)
	srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	// The SDK signs X-Project-Id (TestSDKCreateAndShow checks the shape).
	createAndShow(t, newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID}))

	send := func(withUnsignedProject bool) int {
		req, _ := http.NewRequest(http.MethodGet, url+preheatPath+"?task_id=t1", nil)
		signRequest(t, req, nil, testAK, testSK, time.Now())
		if withUnsignedProject {
			req.Header.Set(HeaderProjectID, testPID) // right value, added after signing
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send(false); got != http.StatusOK {
		t.Fatalf("signed request without X-Project-Id: %d", got)
	}
	if got := send(true); got != http.StatusUnauthorized {
		t.Fatalf("unsigned X-Project-Id: %d, want 401", got)
	}
	expectRejectedFor(t, logs, ErrProjectIDNotSigned.Error())
}

func TestSDKAccessKeyLockout(t *testing.T) {
	var mu sync.Mutex
	var offset time.Duration
	srv, url, logs := sdkServer(t, func(c *Config) {
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(offset) }
	})
	srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	good := newSDKClient(t, url, sdkOptions{ak: testAK, sk: testSK, projectID: testPID})
	wrong := newSDKClient(t, url, sdkOptions{ak: testAK, sk: "WRONG", projectID: testPID})
	show := func(c *vod.VodClient) error {
		_, err := c.ShowPreheatingAsset(&model.ShowPreheatingAssetRequest{TaskId: "t1"})
		return err
	}
	// Five failures in a row do not lock; a success resets the count.
	for range 5 {
		expectUnauthorized(t, show(wrong))
	}
	if err := show(good); err != nil {
		t.Fatalf("after 5 failures: %v", err)
	}
	// More than five lock the key, even for a right signature.
	for range 6 {
		expectUnauthorized(t, show(wrong))
	}
	locked := show(good)
	expectUnauthorized(t, locked)
	if sre := (*sdkerr.ServiceResponseError)(nil); !errors.As(locked, &sre) || sre.ErrorMessage != LockoutMessage {
		t.Fatalf("the locked key's answer: %v, want the gateway's %q", locked, LockoutMessage)
	}
	expectRejectedFor(t, logs, ErrAccessKeyLocked.Error())
	mu.Lock()
	offset = LockoutDuration - time.Second
	mu.Unlock()
	expectUnauthorized(t, show(good))
	mu.Lock()
	offset = LockoutDuration + time.Second
	mu.Unlock()
	if err := show(good); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
}
