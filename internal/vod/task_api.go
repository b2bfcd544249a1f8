package vod

import "context"

// taskAPI is one kind of CDN task the many-task flow (runTasks) drives:
// preheat or refresh. Each has its own create and query calls, paced by
// its own budgets; the flow, the wait loop and the outcome are shared.
type taskAPI interface {
	// noun names the kind in messages: "preheat", "refresh".
	noun() string
	createTask(ctx context.Context, spec TaskSpec) (string, error)
	queryTask(ctx context.Context, taskID string) (Task, error)
}

// preheatAPI is the preheat pair of calls.
type preheatAPI struct{ c *Client }

func (a preheatAPI) noun() string { return "preheat" }

func (a preheatAPI) createTask(ctx context.Context, spec TaskSpec) (string, error) {
	return a.c.CreatePreheating(ctx, spec.AssetID, spec.URLs)
}

func (a preheatAPI) queryTask(ctx context.Context, taskID string) (Task, error) {
	return a.c.QueryPreheating(ctx, taskID)
}
