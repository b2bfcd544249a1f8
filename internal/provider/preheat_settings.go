package provider

// The settings vod_preheating_task and vod_preheating_batch share: what
// starts a new preheat (triggers), whether and how long to wait, and whether
// a failed URL fails the apply. One model for both, and one helper per
// attribute that takes its whole description, so that each resource's
// schema reads whole in its own file.

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// preheatSettings is the part of both resources' models that the helpers
// below describe.
type preheatSettings struct {
	Triggers          types.Map            `tfsdk:"triggers"`
	WaitForCompletion types.Bool           `tfsdk:"wait_for_completion"`
	FailOnFailed      types.Bool           `tfsdk:"fail_on_failed"`
	PollInterval      timetypes.GoDuration `tfsdk:"poll_interval"`
	Timeouts          timeouts.Value       `tfsdk:"timeouts"`
}

// pollIntervalDoc documents poll_interval wherever it appears.
var pollIntervalDoc = fmt.Sprintf("Least gap between two polls of a task while waiting, as a duration such as `\"5s\"` or `\"200ms\"`, at least %s. "+
	"To stay within the tenant's query quota, a wait spreads its polls further when it follows several tasks. "+
	"Unset, polls follow a schedule that grows with the wait: at once, about every 2 s, then a fifth of the time waited so far, at most 1 min apart. "+
	"Longer than the timeout that bounds the wait is refused at plan time: the wait would time out before its second poll.", minPollInterval)

// failOnFailedResourceDoc documents fail_on_failed on both resources.
const failOnFailedResourceDoc = "Fail the create when a URL's status is `failed`, listing them; the tasks stay in state, tainted. " +
	"Defaults to the value of `wait_for_completion`; `true` with `wait_for_completion = false` is refused at plan time, " +
	"since nothing has ended when the apply ends. Refreshes never fail because of failed URLs, so they do not block `terraform destroy`."

// notSentURLsDoc and notSentAssetIDsDoc document what a stopped run did
// not send (preheat_resume.go), on both resources.
const (
	notSentURLsDoc = "URLs a run that stopped part-way (a timeout, Ctrl-C, the daily quota, an error) did not send. " +
		"While any is listed, `completed` and `all_succeeded` are `false`, and the next plan proposes to send them (see When a run stops part-way). Empty once everything was sent."
	notSentAssetIDsDoc = "Asset IDs a run that stopped part-way did not send, as `not_sent_urls` for URLs."
)

// triggersAttribute is triggers: any change starts a new preheat, except
// the first value given after an import.
func triggersAttribute(description string) schema.MapAttribute {
	return schema.MapAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: description,
		PlanModifiers:       []planmodifier.Map{replaceUnlessAdopted{}},
	}
}

// waitForCompletionAttribute is wait_for_completion, true unless set.
func waitForCompletionAttribute(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional:            true,
		Computed:            true,
		Default:             booldefault.StaticBool(true),
		MarkdownDescription: description,
	}
}

// failOnFailedAttribute is fail_on_failed, which follows
// wait_for_completion unless set.
func failOnFailedAttribute(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: description,
		PlanModifiers:       []planmodifier.Bool{followsWaitForCompletion{}, boolplanmodifier.UseStateForUnknown()},
	}
}

// pollIntervalAttribute is poll_interval, a duration checked at plan time.
func pollIntervalAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		CustomType:          timetypes.GoDurationType{},
		MarkdownDescription: description,
		Validators:          []validator.String{pollIntervalValidator{}},
	}
}

// retryFailedAttribute is retry_failed, 0 unless set.
func retryFailedAttribute(description string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional:            true,
		Computed:            true,
		Default:             int64default.StaticInt64(0),
		MarkdownDescription: description,
		Validators:          retryFailedValidators(),
	}
}

// computedListAttribute is a computed list of strings that keeps its state
// through an in-place update (task_ids, not_sent_urls, ...).
func computedListAttribute(description string) schema.ListAttribute {
	return schema.ListAttribute{
		Computed:            true,
		ElementType:         types.StringType,
		MarkdownDescription: description,
		PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
	}
}
