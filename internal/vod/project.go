package vod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	iamsdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
)

// ProjectLookup finds the project ID when Config.ProjectID is empty: the ID
// of the IAM project called Name, asked once per client of IAM at
// IAMEndpoint with the client's own keys.
type ProjectLookup struct {
	Name        string // such as the region's name, cn-north-4
	IAMEndpoint string // such as https://iam.cn-north-4.myhuaweicloud.com
}

// projectCache remembers a client's looked-up project ID, and a refusal, so
// that IAM is asked once (a refused call repeated would only lock the key).
// Its lock is never held during the IAM call.
type projectCache struct {
	mu  sync.Mutex
	id  string
	err error
}

// projectRetryPause is how long a failed look-up that asking again could
// fix (no answer, a 5xx) is remembered: callers in that time get its error at
// once instead of each waiting up to the request timeout.
const projectRetryPause = 10 * time.Second

// foundProjects are the project look-ups of this process, by IAM endpoint,
// name and account, so that the clients Terraform configures one after
// another (or at once) in one provider process ask IAM once.
var foundProjects = struct {
	sync.Mutex
	lookups map[string]*projectLookupState
}{lookups: map[string]*projectLookupState{}}

// projectLookupState is one look-up shared by the process's clients.
type projectLookupState struct {
	shared sharedFetch[string]

	mu       sync.Mutex // guards what follows; never held during the IAM call
	id       string
	failure  error
	failedAt time.Time
}

// lookupState returns the process's shared state for cacheKey.
func lookupState(cacheKey string) *projectLookupState {
	foundProjects.Lock()
	defer foundProjects.Unlock()
	state, ok := foundProjects.lookups[cacheKey]
	if !ok {
		state = &projectLookupState{}
		foundProjects.lookups[cacheKey] = state
	}
	return state
}

// projectNow is the clock of projectRetryPause; tests replace it.
var projectNow = time.Now

// projectID returns the configured project ID or the one IAM knows by name.
// Concurrent callers share one IAM call and each waits only as long as its
// own context allows.
func (c *Client) projectID(ctx context.Context, keys Keys) (string, error) {
	if c.cfg.ProjectID != "" {
		return c.cfg.ProjectID, nil
	}
	c.project.mu.Lock()
	id, err := c.project.id, c.project.err
	c.project.mu.Unlock()
	if id != "" || err != nil {
		return id, err
	}
	// Temporary keys change on refresh but stay the same account's.
	account := keys.AccessKey
	if !keys.ExpiresAt.IsZero() {
		account = keys.Source
	}
	state := lookupState(c.iamEndpoint + "\x00" + c.cfg.ProjectLookup.Name + "\x00" + account)
	if id, done, err := state.settled(); done {
		return c.rememberProject(id, err)
	}
	id, err = state.shared.do(ctx, func(ctx context.Context) (string, error) {
		if id, done, err := state.settled(); done {
			return id, err
		}
		id, err := c.lookupProject(ctx, keys)
		state.mu.Lock()
		defer state.mu.Unlock()
		state.id, state.failure, state.failedAt = id, err, projectNow()
		return id, err
	})
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return "", fmt.Errorf("%w while waiting for the IAM look-up of project %q", err, c.cfg.ProjectLookup.Name)
	}
	return c.rememberProject(id, err)
}

// settled answers without an IAM call: the ID once found, a final refusal,
// or a failure worth another try within projectRetryPause of it.
func (s *projectLookupState) settled() (id string, done bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.id != "":
		return s.id, true, nil
	case s.failure != nil && (finalLookupError(s.failure) || projectNow().Before(s.failedAt.Add(projectRetryPause))):
		return "", true, s.failure
	}
	return "", false, nil
}

// rememberProject keeps the client's answer: the ID, or a final refusal.
func (c *Client) rememberProject(id string, err error) (string, error) {
	c.project.mu.Lock()
	defer c.project.mu.Unlock()
	switch {
	case err == nil:
		c.project.id = id
	case finalLookupError(err):
		c.project.err = err
	}
	return id, err
}

// finalLookupError tells an answer that asking again would not change (a
// refusal, no such project) from a failure worth another try.
func finalLookupError(err error) bool {
	if errors.As(err, new(*TransportError)) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return !apiErr.Retryable()
	}
	return true
}

// lookupProject asks IAM (GET /v3/projects?name=...) through the SDK's IAM
// client, signed like every other call.
func (c *Client) lookupProject(ctx context.Context, keys Keys) (string, error) {
	lookup := c.cfg.ProjectLookup
	fail := func(problem string, err error) (string, error) {
		return "", &ProjectLookupError{Name: lookup.Name, Endpoint: c.iamEndpoint, Problem: problem, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
	defer cancel()
	credentials, err := sdkCredentials(keys, "")
	if err != nil {
		return fail("building credentials", err)
	}
	rt := &attemptTransport{ctx: ctx, base: c.transport, attempt: 1, log: c.cfg.Logger}
	hc, err := iamsdk.IamClientBuilder().
		WithEndpoints([]string{c.iamEndpoint}).
		WithCredential(credentials).
		WithHttpConfig(c.httpConfig(rt)).
		SafeBuild()
	if err != nil {
		return fail("building the SDK's IAM client", err)
	}
	name := lookup.Name
	resp, err := iamsdk.NewIamClient(hc).KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: &name})
	if err = c.classify(err, rt); err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && (apiErr.HTTPStatus == http.StatusUnauthorized || apiErr.HTTPStatus == http.StatusForbidden) {
			return fail("IAM refused the call", err)
		}
		return fail("the call failed", err)
	}
	var ids []string
	if resp.Projects != nil {
		for _, p := range *resp.Projects {
			if p.Name == name {
				ids = append(ids, p.Id)
			}
		}
	}
	switch len(ids) {
	case 0:
		return fail("IAM knows no project of that name for these credentials", nil)
	case 1:
		return ids[0], nil
	}
	return fail(fmt.Sprintf("IAM has %d projects of that name (%s)", len(ids), strings.Join(ids, ", ")), nil)
}

// sdkCredentials turns keys into the SDK's credentials. With a project ID
// the SDK never asks IAM for one; without (the IAM call itself), it signs
// without X-Project-Id.
func sdkCredentials(keys Keys, projectID string) (*auth.BasicCredentials, error) {
	return basic.NewCredentialsBuilder().
		WithAk(keys.AccessKey).
		WithSk(keys.SecretKey).
		WithSecurityToken(keys.SecurityToken).
		WithProjectId(projectID).
		SafeBuild()
}

// currentCredentials returns credentials for one attempt: keys valid now
// (refreshed when they are temporary) and the project ID.
func (c *Client) currentCredentials(ctx context.Context) (*auth.BasicCredentials, error) {
	keys, err := c.keys.get(ctx)
	if err != nil {
		return nil, err
	}
	projectID, err := c.projectID(ctx, keys)
	if err != nil {
		return nil, err
	}
	return sdkCredentials(keys, projectID)
}

// ProjectLookupError is a failed search for the project ID by name in IAM.
// Err, when set, is the IAM call's own error (an *APIError, say).
type ProjectLookupError struct {
	Name     string
	Endpoint string
	Problem  string
	Err      error
}

func (e *ProjectLookupError) Error() string {
	msg := fmt.Sprintf("looking up the ID of project %q in IAM at %s: %s", e.Name, e.Endpoint, e.Problem)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg + ". Set project_id (or HW_PROJECT_ID) to skip the lookup, or project_name to the project's exact name"
}

func (e *ProjectLookupError) Unwrap() error { return e.Err }
