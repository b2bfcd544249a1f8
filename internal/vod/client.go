// Package vod is a small typed client for Huawei Cloud VOD's CDN preheating
// API. The official SDK signs and sends every request; this package adds
// context cancellation, the retry policy, typed errors and the wait loop. It
// knows nothing of Terraform.
package vod

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	vodsdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1/model"
)

// MaxURLsPerTask is the API's limit of URLs in one preheat task.
const MaxURLsPerTask = 10

// Config holds what New needs. Zero durations take the defaults noted.
type Config struct {
	Endpoint      string // base URL, such as https://vod.cn-north-4.myhuaweicloud.com
	ProjectID     string // when empty, ProjectLookup finds it
	AccessKey     string // when empty with SecretKey, KeyChain finds keys
	SecretKey     string
	SecurityToken string // temporary credentials only
	Insecure      bool   // skip TLS verification
	MaxRetries    int    // retries after the first attempt
	// MaxRequestsPerSecond caps the pace of all VOD requests together; 0
	// leaves the limiters (limiter.go) alone.
	MaxRequestsPerSecond float64

	AttemptTimeout time.Duration // one HTTP attempt; default 60s
	RetryBaseDelay time.Duration // first backoff; default 1s
	RetryMaxDelay  time.Duration // backoff ceiling; default 30s
	UserAgent      string
	Logger         Logger

	KeyChain         KeyChain      // credentials.go
	ProjectLookup    ProjectLookup // project.go
	SigningAlgorithm string        // one of SigningAlgorithms; empty means HmacSHA256
}

// Client calls the VOD preheating API. It is safe for concurrent use and
// keeps one connection pool for its whole life.
type Client struct {
	cfg         Config
	endpoint    string
	iamEndpoint string
	keys        *keySource
	project     projectCache
	transport   http.RoundTripper
	maxBody     int64
	sleep       func(context.Context, time.Duration) error
	jitter      func() float64
	// One limiter per API, shared by every request of the client.
	limiters [apiCount]*limiter
}

// New checks cfg and builds a client. It makes no network call.
func New(cfg Config) (*Client, error) {
	endpoint, err := ParseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries must be zero or more, got %d", cfg.MaxRetries)
	}
	if cfg.MaxRequestsPerSecond < 0 || math.IsNaN(cfg.MaxRequestsPerSecond) || math.IsInf(cfg.MaxRequestsPerSecond, 0) {
		return nil, fmt.Errorf("max requests per second must be a positive number, or 0 for no cap, got %v", cfg.MaxRequestsPerSecond)
	}
	var iamEndpoint string
	if cfg.ProjectID == "" {
		if cfg.ProjectLookup.Name == "" {
			return nil, errors.New("the project ID is empty and there is no project name to look it up by")
		}
		if iamEndpoint, err = ParseEndpoint(cfg.ProjectLookup.IAMEndpoint); err != nil {
			return nil, fmt.Errorf("IAM endpoint: %w", err)
		}
	}
	if cfg.SigningAlgorithm, err = checkSigningAlgorithm(cfg.SigningAlgorithm); err != nil {
		return nil, err
	}
	keys, err := newKeySource(cfg)
	if err != nil {
		return nil, err
	}
	setDefault(&cfg.AttemptTimeout, 60*time.Second)
	setDefault(&cfg.RetryBaseDelay, time.Second)
	setDefault(&cfg.RetryMaxDelay, 30*time.Second)
	c := &Client{
		cfg:         cfg,
		endpoint:    endpoint,
		iamEndpoint: iamEndpoint,
		keys:        keys,
		transport: &http.Transport{
			Proxy:             http.ProxyFromEnvironment,
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: cfg.Insecure, MinVersion: tls.VersionTLS12}, //nolint:gosec // opt-in via insecure
			ForceAttemptHTTP2: true,
			// Terraform reads up to -parallelism data sources at once
			// (10 by default, more when raised): keep their connections.
			MaxIdleConnsPerHost: 32,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
		},
		maxBody: MaxResponseBytes,
		sleep:   sleepContext,
		jitter:  randomJitter,
	}
	userCap := newCap(cfg.MaxRequestsPerSecond)
	for a := range apiCount {
		c.limiters[a] = newLimiter(a, userCap)
	}
	return c, nil
}

func setDefault(d *time.Duration, value time.Duration) {
	if *d <= 0 {
		*d = value
	}
}

// ParseEndpoint checks that raw is an absolute http(s) base URL and returns
// it without a trailing slash.
func ParseEndpoint(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "", errors.New("the endpoint is empty")
	case err != nil:
		return "", fmt.Errorf("the endpoint %q is not a URL: %v", raw, err)
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("the endpoint %q must start with https:// or http://", raw)
	case u.Host == "":
		return "", fmt.Errorf("the endpoint %q has no host", raw)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", fmt.Errorf("the endpoint %q must be a base URL, without user info, query or fragment", raw)
	case strings.Trim(u.Path, "/") != "":
		// The SDK replaces the URL's path with the API's, so a path here
		// would be silently dropped and requests would go to the host's root.
		return "", fmt.Errorf("the endpoint %q must be a base URL without a path, such as https://%s: requests go to /v1.0/... at the host's root", raw, u.Host)
	}
	return strings.TrimRight(raw, "/"), nil
}

// Endpoint returns the base URL the client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// QueryPreheating returns the state of a preheat task as the API reports it.
func (c *Client) QueryPreheating(ctx context.Context, taskID string) (Task, error) {
	task := Task{ID: taskID}
	err := c.send(ctx, preheatQuery, func(api *vodsdk.VodClient) error {
		resp, err := api.ShowPreheatingAsset(&model.ShowPreheatingAssetRequest{TaskId: taskID})
		if err != nil {
			return err
		}
		if resp.PreheatingResults == nil {
			return missingFieldError("preheating_results")
		}
		task.Results = make([]URLStatus, 0, len(*resp.PreheatingResults))
		for i, r := range *resp.PreheatingResults {
			if r.Url == nil || *r.Url == "" {
				// Without its URL an entry cannot be matched to what was
				// sent: counting it would call an unknown URL done.
				return missingFieldError(fmt.Sprintf("url in preheating_results entry %d", i+1))
			}
			task.Results = append(task.Results, toURLStatus(r))
		}
		return nil
	})
	return task, err
}

func toURLStatus(r model.PreheatingResult) URLStatus {
	var s URLStatus
	if r.Url != nil {
		s.URL = *r.Url
	}
	if r.Status != nil {
		s.Status = documentedStatus(r.Status.Value())
	}
	return s
}

// CreatePreheating asks VOD to preheat a published asset and/or up to
// MaxURLsPerTask of its URLs, and returns the new task's ID.
func (c *Client) CreatePreheating(ctx context.Context, assetID string, urls []string) (string, error) {
	if assetID == "" && len(urls) == 0 {
		return "", errors.New("a preheat task needs an asset ID or at least one URL")
	}
	if len(urls) > MaxURLsPerTask {
		return "", fmt.Errorf("a preheat task takes at most %d URLs, got %d", MaxURLsPerTask, len(urls))
	}
	body := &model.CreatePreheatingAssetReq{}
	if assetID != "" {
		body.AssetId = &assetID
	}
	if len(urls) > 0 {
		body.Urls = &urls
	}
	return c.createTask(ctx, preheatCreate, func(api *vodsdk.VodClient) (*string, error) {
		resp, err := api.CreatePreheatingAsset(&model.CreatePreheatingAssetRequest{Body: body})
		if err != nil {
			return nil, err
		}
		return resp.TaskId, nil
	})
}

// createTask sends a create of API a and returns the task_id its answer
// carries. Creating is not idempotent: it is sent again only when it never
// reached VOD (retry.go).
func (c *Client) createTask(ctx context.Context, a api, send func(*vodsdk.VodClient) (taskID *string, err error)) (string, error) {
	var taskID string
	err := c.send(ctx, a, func(api *vodsdk.VodClient) error {
		id, err := send(api)
		if err != nil {
			return err
		}
		if id == nil || *id == "" {
			return missingFieldError("task_id")
		}
		taskID = *id
		return nil
	})
	return taskID, err
}

// missingFieldError is a 2xx answer that decoded but lacks the field the
// call needs; classify turns it into a DecodeError.
type missingFieldError string

func (e missingFieldError) Error() string { return "the answer has no " + string(e) }

// errAttemptTimedOut is the cause of an attempt's context when its own
// bound, not the caller's, ended it.
var errAttemptTimedOut = errors.New("the attempt timed out")

// attempt sends one request through a fresh SDK client whose transport is
// bound to ctx. Building it is cheap (no I/O); the connection pool is shared.
func (c *Client) attempt(ctx context.Context, n, maxAttempts int, call func(*vodsdk.VodClient) error) (*attemptTransport, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.AttemptTimeout, errAttemptTimedOut)
	defer cancel()
	rt := &attemptTransport{ctx: ctx, base: c.transport, attempt: n, log: c.cfg.Logger, maxBytes: c.maxBody}
	credentials, err := c.currentCredentials(ctx)
	if err != nil {
		return rt, err
	}
	hc, err := vodsdk.VodClientBuilder().
		WithEndpoints([]string{c.endpoint}).
		WithCredential(credentials).
		WithHttpConfig(c.httpConfig(rt)).
		SafeBuild()
	if err != nil {
		return rt, fmt.Errorf("building the SDK client: %w", err)
	}
	err = call(vodsdk.NewVodClient(hc))
	if err != nil && errors.Is(context.Cause(ctx), errAttemptTimedOut) {
		return rt, &AttemptTimeoutError{Method: rt.method, Path: rt.path, Timeout: c.cfg.AttemptTimeout,
			Attempt: n, MaxAttempts: maxAttempts, HTTPStatus: rt.status}
	}
	return rt, c.classify(err, rt)
}

// classify turns what the SDK returned into this package's errors. The body
// reader is asked first: the SDK reports a body cut short or too large as
// if the answer itself were wrong.
func (c *Client) classify(err error, rt *attemptTransport) error {
	success := rt.status >= 200 && rt.status <= 299
	var sdkErr *sdkerr.ServiceResponseError
	var missing missingFieldError
	switch {
	case err == nil && !success:
		return &APIError{Method: rt.method, Path: rt.path, HTTPStatus: rt.status, RequestID: rt.requestID,
			ErrorMsg: "unexpected non-2xx answer without an error body"}
	case err == nil:
		return nil
	case rt.body != nil && rt.body.tooLarge && success:
		return c.decodeError(rt, "the body is over "+describeBodyLimit(c.maxBody))
	case rt.body != nil && rt.body.tooLarge:
		return &APIError{Method: rt.method, Path: rt.path, HTTPStatus: rt.status, RequestID: rt.requestID,
			NonJSON: true, ErrorMsg: "an error body over " + describeBodyLimit(c.maxBody), RetryAfter: rt.retryAfter}
	case rt.body != nil && rt.body.err != nil:
		return &TransportError{Method: rt.method, Path: rt.path, Scheme: rt.scheme, Host: rt.host, Err: rt.body.err,
			What: fmt.Sprintf("connection broken mid-body, after %d bytes of the HTTP %d answer", rt.body.n, rt.status)}
	case errors.As(err, &missing):
		return c.decodeError(rt, missing.Error())
	case errors.As(err, &sdkErr) && success:
		return c.decodeError(rt, sdkErr.ErrorMessage)
	case errors.As(err, &sdkErr):
		apiErr := &APIError{Method: rt.method, Path: rt.path, HTTPStatus: rt.status, ErrorCode: sdkErr.ErrorCode,
			ErrorMsg: sdkErr.ErrorMessage, RequestID: rt.requestID, RetryAfter: rt.retryAfter, ClockSkew: rt.clockSkew,
			BodyRequestID: rt.bodyRequestID()}
		if apiErr.ErrorCode == "" && !isJSON(apiErr.ErrorMsg) {
			apiErr.NonJSON, apiErr.ErrorMsg = true, readableMessage(apiErr.ErrorMsg)
		}
		return apiErr
	case rt.status == 0 && rt.sent:
		return &TransportError{Method: rt.method, Path: rt.path, Scheme: rt.scheme, Host: rt.host,
			What: describeNoAnswer(err), Err: unwrapURLError(err)}
	case rt.status != 0:
		return fmt.Errorf("%s %s: reading the HTTP %d answer (X-Request-Id %s): %w", rt.method, rt.path, rt.status, rt.requestID, err)
	}
	return err
}

func (c *Client) decodeError(rt *attemptTransport, reason string) *DecodeError {
	return &DecodeError{Method: rt.method, Path: rt.path, HTTPStatus: rt.status, ContentType: rt.contentType,
		Reason: reason, FirstBytes: rt.firstBytes(), RequestID: rt.requestID}
}

// describeNoAnswer says in words why a request got no answer.
func describeNoAnswer(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset before the answer"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "host not found"
	}
	if isPlainHTTPAnswer(err) {
		return "the server answered in plain HTTP, not HTTPS"
	}
	return "no answer"
}

func unwrapURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}
