package provider

// Where a task was created: a not-found answer removes a task from state
// only when it comes from the same project, region and endpoint, so that a
// mistyped endpoint or another project never empties the state.

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// taskScope is where the provider sends its requests. Project is the
// configured project ID, or "name:" and the name looked up in IAM.
type taskScope struct {
	Endpoint string `json:"endpoint"`
	Region   string `json:"region,omitempty"`
	Project  string `json:"project"`
}

func (s taskScope) String() string {
	text := fmt.Sprintf("endpoint %s, project %s", s.Endpoint, s.Project)
	if s.Region != "" {
		text += ", region " + s.Region
	}
	return text
}

// newTaskScope describes a client built from cfg, for the given region.
func newTaskScope(cfg vod.Config, region string) taskScope {
	project := cfg.ProjectID
	if project == "" {
		project = "name:" + cfg.ProjectLookup.Name
	}
	endpoint, err := vod.ParseEndpoint(cfg.Endpoint)
	if err != nil {
		endpoint = cfg.Endpoint
	}
	return taskScope{Endpoint: endpoint, Region: region, Project: project}
}

// notFoundDecision says whether a task the API does not know may leave the
// state: only when the same scope created it. Otherwise it explains why
// the task stays.
func notFoundDecision(recorded taskScope, known bool, current taskScope) (remove bool, why string) {
	switch {
	case !known:
		return false, "The state does not record which endpoint and project created it, so it is kept: " +
			"remove it with terraform state rm if it is really gone."
	case recorded != current:
		return false, fmt.Sprintf("It was created at %s, but the provider now calls %s: it is kept in state, unchanged. "+
			"If the provider settings are right and the task is really gone, remove it with terraform state rm.", recorded, current)
	}
	return true, ""
}

// isTaskNotFound reports the API's answers that mean "no such task":
// VOD.10062, or a 404 from the VOD endpoint itself (an answer with VOD's
// own error code, not a gateway's or a proxy's). VOD.10053 ("illegal
// parameter") is not one: it can mean a bad request as well.
func isTaskNotFound(err error) bool {
	apiErr, ok := vod.AsAPIError(err)
	if !ok {
		return false
	}
	return apiErr.ErrorCode == "VOD.10062" ||
		apiErr.HTTPStatus == http.StatusNotFound && strings.HasPrefix(apiErr.ErrorCode, "VOD.")
}

// isIllegalTaskAnswer is VOD.10053 ("illegal parameter") for a query: VOD
// may answer it for a task it does not know, but also for a request it
// found malformed, so it never removes a task from state.
func isIllegalTaskAnswer(err error) bool {
	apiErr, ok := vod.AsAPIError(err)
	return ok && apiErr.ErrorCode == "VOD.10053"
}

// readNotFound handles a refresh whose query said a task is not known.
// handled is false for any other error. A definite "no such task" from the
// scope that created it removes the resource; anything less keeps it, as
// it was, with a warning.
func (d providerData) readNotFound(ctx context.Context, err error, private privateGetter, state interface{ RemoveResource(context.Context) }, diags *diag.Diagnostics) (handled bool) {
	switch {
	case isIllegalTaskAnswer(err):
		diags.AddWarning("Preheat task not readable",
			fmt.Sprintf("VOD refused the query of a task of this preheat (%v). That may mean the task no longer exists, or a request VOD "+
				"found malformed, so it is kept in state, unchanged. If the task is really gone, remove it with terraform state rm.", err))
		return true
	case !isTaskNotFound(err):
		return false
	}
	recorded, known, d2 := recordedScope(ctx, private)
	diags.Append(d2...)
	if remove, why := notFoundDecision(recorded, known, d.scope); !remove {
		diags.AddWarning("Preheat task not found", fmt.Sprintf("VOD does not know a task of this preheat (%v). %s", err, why))
		return true
	}
	diags.AddWarning("Preheat task no longer exists",
		fmt.Sprintf("VOD no longer knows a task of this preheat (%v), which had not finished. It is removed from state; the next apply starts a new preheat "+
			"if the configuration still has it.", err))
	state.RemoveResource(ctx)
	return true
}
