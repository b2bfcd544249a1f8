package provider

// Where a task was created: a not-found answer removes a task from state
// only when it comes from the same project, region and endpoint, so that a
// mistyped endpoint or another project never empties the state.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// scopeKey holds a taskScope in a resource's private state.
const scopeKey = "scope"

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

// resourceData is what the provider hands its resources: the client and
// the scope its requests go to.
type resourceData struct {
	client *vod.Client
	scope  taskScope
}

// resourceDataFrom unpacks ProviderData for a resource's Configure.
func resourceDataFrom(providerData any, diags *diag.Diagnostics) resourceData {
	if data, ok := providerData.(*resourceData); ok {
		return *data
	}
	return resourceData{client: clientFrom(providerData, diags)}
}

// privateState is the part of private state that Create, Read and
// ImportState write and read.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// recordScope writes the scope into private state.
func recordScope(ctx context.Context, private privateState, scope taskScope) diag.Diagnostics {
	raw, err := json.Marshal(scope)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the task's scope", err.Error())
		return diags
	}
	return private.SetKey(ctx, scopeKey, raw)
}

// recordedScope reads the scope back; ok is false when none was recorded.
func recordedScope(ctx context.Context, private privateGetter) (scope taskScope, ok bool, diags diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, scopeKey)
	if diags.HasError() || len(raw) == 0 {
		return taskScope{}, false, diags
	}
	if err := json.Unmarshal(raw, &scope); err != nil {
		return taskScope{}, false, diags
	}
	return scope, true, diags
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
