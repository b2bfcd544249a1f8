package vod

// CDN refresh: VOD's companion of preheat, which makes the CDN drop its
// cached copy of URLs (POST /v1/{project_id}/asset/refresh) so that an
// updated video is fetched anew. Refresh tasks are created and queried like
// preheat tasks, through their own limiters (Huawei counts media refresh
// apart from the preheat calls), and RefreshCDN drives many of them through
// the preheat's flow.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	vodsdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1/model"
)

// Limits of one refresh task, from VOD's API reference.
const (
	MaxRefreshURLsPerTask   = 10
	MaxRefreshAssetsPerTask = 10
	MaxRefreshURLLength     = 10240
)

// CreateRefreshTask asks VOD to refresh up to MaxRefreshAssetsPerTask
// assets and up to MaxRefreshURLsPerTask URLs, and returns the new task's
// ID. Like a preheat create, it is sent again only when throttled.
func (c *Client) CreateRefreshTask(ctx context.Context, assetIDs, urls []string) (string, error) {
	if err := checkRefreshTask(assetIDs, urls); err != nil {
		return "", err
	}
	body := &model.RefreshTaskReq{}
	if len(assetIDs) > 0 {
		body.AssetIdList = &assetIDs
	}
	if len(urls) > 0 {
		body.Urls = &urls
	}
	return c.createTask(ctx, refreshCreate, func(api *vodsdk.VodClient) (*string, error) {
		resp, err := api.RefreshAsset(&model.RefreshAssetRequest{Body: body})
		if err != nil {
			return nil, err
		}
		return resp.TaskId, nil
	})
}

func checkRefreshTask(assetIDs, urls []string) error {
	switch {
	case len(assetIDs) == 0 && len(urls) == 0:
		return errors.New("a refresh task needs an asset ID or at least one URL")
	case len(urls) > MaxRefreshURLsPerTask:
		return fmt.Errorf("a refresh task takes at most %d URLs, got %d", MaxRefreshURLsPerTask, len(urls))
	case len(assetIDs) > MaxRefreshAssetsPerTask:
		return fmt.Errorf("a refresh task takes at most %d asset IDs, got %d", MaxRefreshAssetsPerTask, len(assetIDs))
	}
	for _, u := range urls {
		if len(u) > MaxRefreshURLLength {
			return fmt.Errorf("a refresh URL is at most %d characters, got one of %d", MaxRefreshURLLength, len(u))
		}
	}
	return nil
}

// QueryRefreshTask returns the state of a refresh task as the API reports
// it, statuses spelled as for a preheat (lower case when documented).
func (c *Client) QueryRefreshTask(ctx context.Context, taskID string) (Task, error) {
	task := Task{ID: taskID}
	err := c.send(ctx, refreshQuery, func(api *vodsdk.VodClient) error {
		resp, err := api.ShowRefreshResult(&model.ShowRefreshResultRequest{TaskId: taskID})
		if err != nil {
			return err
		}
		if resp.RefreshResults == nil {
			return missingFieldError("refresh_results")
		}
		task.Results = make([]URLStatus, 0, len(*resp.RefreshResults))
		for _, r := range *resp.RefreshResults {
			var s URLStatus
			if r.Url != nil {
				s.URL = *r.Url
			}
			if r.Status != nil {
				s.Status = documentedStatus(r.Status.Value())
			}
			task.Results = append(task.Results, s)
		}
		return nil
	})
	return task, err
}

// RefreshCDN refreshes the request's tasks as Preheat preheats them: the
// same split, creates one after another, the one wait loop and
// RetryFailed rounds, with refresh tasks in place of preheat tasks. An
// asset's spec refreshes that one asset.
func (c *Client) RefreshCDN(ctx context.Context, req PreheatRequest) (PreheatOutcome, error) {
	return c.runTasks(ctx, req, refreshAPI{c}, realClock)
}

// refreshAPI is the refresh pair of calls, for the many-task flow.
type refreshAPI struct{ c *Client }

func (a refreshAPI) noun() string { return "refresh" }

func (a refreshAPI) createTask(ctx context.Context, spec TaskSpec) (string, error) {
	var assetIDs []string
	if spec.AssetID != "" {
		assetIDs = []string{spec.AssetID}
	}
	return a.c.CreateRefreshTask(ctx, assetIDs, spec.URLs)
}

func (a refreshAPI) queryTask(ctx context.Context, taskID string) (Task, error) {
	return a.c.QueryRefreshTask(ctx, taskID)
}

// refreshHint is the hint for the refresh API's errors that differ from
// the preheat's, or "" to let hintByCode and hintByStatus answer.
func (e *APIError) refreshHint() string {
	if !strings.HasSuffix(e.Path, "/asset/refresh") {
		return ""
	}
	throttled := e.ErrorCode == "APIGW.0308" || e.ErrorCode == "APIG.0308" || e.ErrorCode == "" && e.HTTPStatus == http.StatusTooManyRequests
	switch {
	case throttled:
		if t, ok := parseThrottle(e.ErrorCode, e.ErrorMsg); ok && t.Daily() {
			return "The tenant's daily refresh limit (Huawei documents 1000 a day) is used up: pacing cannot help, it resets daily; run again once it has"
		}
		return "The API gateway is throttling this tenant's CDN refreshes (Huawei documents 100 a minute, shared by everything using it, " +
			"apart from the preheat calls): a throttled refresh is retried, paced to the window, until the timeout; raise it, or refresh fewer URLs at once"
	case e.ErrorCode == "VOD.10053" && e.Method == http.MethodPost:
		return fmt.Sprintf("VOD rejected the refresh request: a refresh task takes at most %d URLs of at most %d characters each "+
			"and %d asset IDs, of assets in the completed, published or deleted state", MaxRefreshURLsPerTask, MaxRefreshURLLength, MaxRefreshAssetsPerTask)
	case e.ErrorCode == "VOD.10053":
		return "The API rejected a parameter; for a refresh query this usually means the task_id is not a refresh task of this project and region " +
			"(a preheat task's ID is read with vod_preheating_result)"
	}
	return ""
}
