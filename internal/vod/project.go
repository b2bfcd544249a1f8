package vod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

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
type projectCache struct {
	mu  sync.Mutex
	id  string
	err error
}

// foundProjects are the project IDs looked up in this process, by IAM
// endpoint, name and account, so that the clients Terraform configures one
// after another in one provider process ask IAM once.
var foundProjects = struct {
	sync.Mutex
	ids map[string]string
}{ids: map[string]string{}}

// projectID returns the configured project ID or the one IAM knows by name.
func (c *Client) projectID(ctx context.Context, keys Keys) (string, error) {
	if c.cfg.ProjectID != "" {
		return c.cfg.ProjectID, nil
	}
	c.project.mu.Lock()
	defer c.project.mu.Unlock()
	if c.project.id != "" || c.project.err != nil {
		return c.project.id, c.project.err
	}
	// Temporary keys change on refresh but stay the same account's.
	account := keys.AccessKey
	if !keys.ExpiresAt.IsZero() {
		account = keys.Source
	}
	cacheKey := c.iamEndpoint + "\x00" + c.cfg.ProjectLookup.Name + "\x00" + account
	foundProjects.Lock()
	defer foundProjects.Unlock()
	if id, ok := foundProjects.ids[cacheKey]; ok {
		c.project.id = id
		return id, nil
	}
	id, err := c.lookupProject(ctx, keys)
	switch {
	case err == nil:
		c.project.id = id
		foundProjects.ids[cacheKey] = id
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
