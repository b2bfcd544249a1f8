package provider

// The settings vod_preheating_task and vod_preheating_batch share: what
// starts a new preheat (triggers), whether and how long to wait, and whether
// a failed URL fails the apply. One schema and one model for both, so that
// the two resources cannot drift apart.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// preheatSettings is the part of both resources' models that preheatSettingsAttributes describes.
type preheatSettings struct {
	Triggers          types.Map            `tfsdk:"triggers"`
	WaitForCompletion types.Bool           `tfsdk:"wait_for_completion"`
	FailOnFailed      types.Bool           `tfsdk:"fail_on_failed"`
	PollInterval      timetypes.GoDuration `tfsdk:"poll_interval"`
	Timeouts          timeouts.Value       `tfsdk:"timeouts"`
}

// settingsWording is what differs between the two resources' descriptions.
type settingsWording struct {
	newPreheat  string // what a changed trigger starts: "preheat of the same URLs"
	created     string // when the apply ends without waiting: "the task is created"
	progress    string // "its progress"
	createBound string // what timeouts.create bounds
	readBound   string // what timeouts.read bounds
}

// failOnFailedResourceDoc documents fail_on_failed on both resources.
const failOnFailedResourceDoc = "Fail the create when a URL's status is `failed`, listing them; the tasks stay in state, tainted. " +
	"Defaults to the value of `wait_for_completion`; `true` with `wait_for_completion = false` is refused at plan time, " +
	"since nothing has ended when the apply ends. Refreshes never fail because of failed URLs, so they do not block `terraform destroy`."

// preheatSettingsAttributes adds the shared settings to a resource's own attributes.
func preheatSettingsAttributes(ctx context.Context, w settingsWording, attributes map[string]schema.Attribute) map[string]schema.Attribute {
	attributes["triggers"] = schema.MapAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Arbitrary strings, such as a content hash or a release version; any change starts a new " +
			w.newPreheat + ".",
		PlanModifiers: []planmodifier.Map{replaceUnlessAdopted{}},
	}
	attributes["wait_for_completion"] = schema.BoolAttribute{
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(true),
		MarkdownDescription: "Wait, bounded by `timeouts.create`, until every URL sent has ended (`succeed`, `failed` or `not_listed`; an asset's: every URL the API lists for it). Defaults to `true`. " +
			"With `false` the apply ends once " + w.created + "; later refreshes show " + w.progress + ".",
	}
	attributes["fail_on_failed"] = schema.BoolAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: failOnFailedResourceDoc,
		PlanModifiers:       []planmodifier.Bool{followsWaitForCompletion{}, boolplanmodifier.UseStateForUnknown()},
	}
	attributes["poll_interval"] = schema.StringAttribute{
		Optional:            true,
		CustomType:          timetypes.GoDurationType{},
		MarkdownDescription: pollIntervalDoc,
		Validators:          []validator.String{pollIntervalValidator{}},
	}
	attributes["timeouts"] = timeouts.Attributes(ctx, timeouts.Opts{
		Create:            true,
		Read:              true,
		CreateDescription: fmt.Sprintf("Bounds %s; above zero. Defaults to %q.", w.createBound, vod.DurationText(defaultCreateTimeout)),
		ReadDescription:   fmt.Sprintf("Bounds %s (not the wait: that is `create`); above zero. Defaults to %q.", w.readBound, vod.DurationText(defaultTaskReadTimeout)),
	})
	return attributes
}
