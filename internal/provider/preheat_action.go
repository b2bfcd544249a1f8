package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

var (
	_ action.Action                     = (*preheatAction)(nil)
	_ action.ActionWithConfigure        = (*preheatAction)(nil)
	_ action.ActionWithConfigValidators = (*preheatAction)(nil)
)

// NewPreheatAction is the vod_preheat action (Terraform 1.14 and newer).
func NewPreheatAction() action.Action { return &preheatAction{} }

type preheatAction struct {
	client *vod.Client
}

type preheatActionModel struct {
	AssetID      types.String         `tfsdk:"asset_id"`
	URLs         types.List           `tfsdk:"urls"`
	Wait         types.Bool           `tfsdk:"wait"`
	FailOnFailed types.Bool           `tfsdk:"fail_on_failed"`
	PollInterval timetypes.GoDuration `tfsdk:"poll_interval"`
	Timeout      timetypes.GoDuration `tfsdk:"timeout"`
}

func (a *preheatAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_preheat"
}

func (a *preheatAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Creates a VOD CDN preheat and, by default, waits for it, streaming its progress to the CLI " +
			"(`2/10 succeeded, 0 failed, 8 processing`) and failing when a URL failed or the timeout passed. Keeps no state. " +
			"Needs Terraform 1.14 or newer.",
		Attributes: map[string]schema.Attribute{
			"asset_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: assetIDDoc,
				Validators:          assetIDValidators(),
			},
			"urls": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: urlsDoc,
				Validators:          urlsValidators(),
			},
			"wait": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Wait, bounded by `timeout`, until every URL is `succeed` or `failed`, reporting progress. " +
					"Defaults to `true`; with `false` the action ends once the task is created.",
			},
			"fail_on_failed": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Fail when a URL's status is `failed`, naming the failed URLs. Defaults to `true`.",
			},
			"poll_interval": schema.StringAttribute{
				Optional:            true,
				CustomType:          timetypes.GoDurationType{},
				MarkdownDescription: pollIntervalDoc,
				Validators:          []validator.String{pollIntervalValidator{}},
			},
			"timeout": schema.StringAttribute{
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				MarkdownDescription: fmt.Sprintf("Bounds the create request and the wait, as a duration such as `\"10m\"`. Defaults to `%q`.",
					durationText(defaultCreateTimeout)),
				Validators: []validator.String{positiveDurationValidator{}},
			},
		},
	}
}

func (a *preheatAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{actionvalidator.AtLeastOneOf(path.MatchRoot("asset_id"), path.MatchRoot("urls"))}
}

func (a *preheatAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *preheatAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !clientConfigured(a.client, &resp.Diagnostics) {
		return
	}
	var model preheatActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	urls, diags := stringList(ctx, model.URLs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := durationOr(model.Timeout, defaultCreateTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	report := func(message string) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: message})
		}
	}

	taskID, err := a.client.CreatePreheating(ctx, model.AssetID.ValueString(), urls)
	if err != nil {
		summary, detail := describeCreateError(err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	if model.Wait.IsNull() || model.Wait.ValueBool() {
		report(fmt.Sprintf("created preheat task %s; waiting for its URLs (timeout %s)", taskID, durationText(timeout)))
	} else {
		report(fmt.Sprintf("created preheat task %s; not waiting", taskID))
		return
	}

	start, last := time.Now(), ""
	task, err := waitForPreheat(ctx, a.client, taskID, pollInterval(model.PollInterval), func(task vod.Task) {
		// Only changes are reported: a long wait must not flood the CLI.
		if line := progressLine(task); line != last {
			last = line
			report(line)
		}
	})
	if err != nil {
		summary, detail := describeWaitError(ctx.Err(), err, taskID, timeout, "timeout")
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	if model.FailOnFailed.IsNull() || model.FailOnFailed.ValueBool() {
		if failure, failed := failedPreheatDiagnostic(task); failed {
			resp.Diagnostics.Append(failure)
			return
		}
	}
	report(fmt.Sprintf("preheat task %s complete after %s: %s", taskID, time.Since(start).Round(time.Second), task.Summary()))
}
