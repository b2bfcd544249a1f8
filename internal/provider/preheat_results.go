package provider

// The computed results of a preheat, one schema for the data source,
// vod_preheating_task and vod_preheating_batch: one entry per URL and the
// counts over them. Each entry point lists them in its schema with the
// helpers below (one set per schema package) and the one table of
// descriptions; TestOneResultsSchema checks that they stay the same.

import (
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

var (
	urlResultAttrTypes = map[string]attr.Type{
		"url": types.StringType, "status": types.StringType, "task_id": types.StringType, "attempts": types.Int64Type,
	}
	urlResultType = types.ObjectType{AttrTypes: urlResultAttrTypes}
)

// preheatResults is the computed part of a preheat, named and filled the
// same way everywhere.
type preheatResults struct {
	PreheatingResults types.List `tfsdk:"preheating_results"`
	resultCounts
}

// resultCounts are the counts over the results, for preheats and
// refreshes (refresh_result_data_source.go) alike.
type resultCounts struct {
	Total        types.Int64 `tfsdk:"total"`
	Processing   types.Int64 `tfsdk:"processing"`
	Succeed      types.Int64 `tfsdk:"succeed"`
	Failed       types.Int64 `tfsdk:"failed"`
	Completed    types.Bool  `tfsdk:"completed"`
	AllSucceeded types.Bool  `tfsdk:"all_succeeded"`
}

// newPreheatResults translates one query of one task: each URL was sent once.
func newPreheatResults(task vod.Task) (preheatResults, diag.Diagnostics) {
	results := make([]vod.URLResult, len(task.Results))
	for i, r := range task.Results {
		results[i] = vod.URLResult{URL: r.URL, Status: r.Status, TaskID: task.ID, Attempts: 1}
	}
	return resultsOf(results, task.Counts(), task.Completed(), task.AllSucceeded())
}

// newOutcomeResults translates what a preheat of one or many tasks reached.
func newOutcomeResults(o vod.PreheatOutcome) (preheatResults, diag.Diagnostics) {
	return resultsOf(o.Results, o.Counts(), o.Completed(), o.AllSucceeded())
}

func resultsOf(results []vod.URLResult, counts vod.Counts, completed, allSucceeded bool) (preheatResults, diag.Diagnostics) {
	var diags diag.Diagnostics
	items := make([]attr.Value, 0, len(results))
	for _, r := range results {
		item, d := types.ObjectValue(urlResultAttrTypes, map[string]attr.Value{
			"url": types.StringValue(r.URL), "status": types.StringValue(r.Status),
			"task_id": types.StringValue(r.TaskID), "attempts": types.Int64Value(int64(r.Attempts)),
		})
		diags.Append(d...)
		items = append(items, item)
	}
	list, d := types.ListValue(urlResultType, items)
	diags.Append(d...)
	return preheatResults{
		PreheatingResults: list,
		resultCounts: resultCounts{
			Total:        types.Int64Value(int64(counts.Total)),
			Processing:   types.Int64Value(int64(counts.Processing)),
			Succeed:      types.Int64Value(int64(counts.Succeed)),
			Failed:       types.Int64Value(int64(counts.Failed)),
			Completed:    types.BoolValue(completed),
			AllSucceeded: types.BoolValue(allSucceeded),
		},
	}, diags
}

// urlResults reads preheating_results back, for a refresh of a batch.
func (r preheatResults) urlResults() []vod.URLResult {
	if r.PreheatingResults.IsNull() || r.PreheatingResults.IsUnknown() {
		return nil
	}
	var out []vod.URLResult
	for _, element := range r.PreheatingResults.Elements() {
		object, ok := element.(types.Object)
		if !ok {
			continue
		}
		attrs := object.Attributes()
		str := func(name string) string {
			v, _ := attrs[name].(types.String)
			return v.ValueString()
		}
		attempts, _ := attrs["attempts"].(types.Int64)
		out = append(out, vod.URLResult{URL: str("url"), Status: str("status"), TaskID: str("task_id"), Attempts: int(attempts.ValueInt64())})
	}
	return out
}

// urlResultsDocs describes a list of per-URL results: preheating_results
// here, and any other list of the same shape.
type urlResultsDocs struct{ List, URL, Status, TaskID, Attempts string }

// resultDocs describes the computed results, one table for both schema
// packages.
var resultDocs = struct {
	PreheatingResults                                           urlResultsDocs
	Total, Processing, Succeed, Failed, Completed, AllSucceeded string
}{
	PreheatingResults: urlResultsDocs{
		List: "One entry per URL. Read by task ID, in the API's order; after a create, the `urls` in the order given, " +
			"then an asset's URLs as the API lists them (a later refresh of an unfinished task takes the API's order).",
		URL: "A URL being preheated.",
		Status: "Its latest status: `processing`, `succeed` or `failed`, always in lower case whatever case the API sends, " +
			"or any other value the API sends, shown as it came (it counts as not complete). " +
			"`\"\"` for a URL sent in a task that has not answered yet (right after a create without waiting): " +
			"not complete, and counted in none of `processing`, `succeed` and `failed`. " +
			"`not_listed` (set by this provider, never by the API) for a URL sent in a task that ended without listing it: " +
			"the API's answer is matched to the URLs sent the way a CDN matches URLs (scheme and host in any case, " +
			"`:80` for http and `:443` for https dropped, percent-escapes of letters, digits and `-._~` decoded; " +
			"the path's case, a trailing slash and the query still make another URL), and `url` keeps the spelling configured. " +
			"A wait gives up on a URL after " + strconv.Itoa(vod.NotListedAfter) + " answers in a row that end every URL listed without it. " +
			"`not_listed` has ended (so `completed` can be true) but is not a success: `all_succeeded` is false, " +
			"`fail_on_failed` fails the apply with \"Preheat not confirmed for every URL\" (a warning without it), " +
			"and `retry_failed` sends it again. It is counted in none of `processing`, `succeed` and `failed`. " +
			"A URL the API lists but was not sent (with an asset's, or a respelling that is not equivalent) gets an entry of its own.",
		TaskID:   "The preheat task that gave this status.",
		Attempts: "How many tasks preheated this URL: 1, plus one for each `retry_failed` round that sent it again (always 1 except on `vod_preheating_batch`).",
	},
	Total:        "Number of URLs.",
	Processing:   "Number of URLs whose status is `processing`.",
	Succeed:      "Number of URLs whose status is `succeed`.",
	Failed:       "Number of URLs whose status is `failed`.",
	Completed:    "The list is not empty and every URL is `succeed` or `failed` (or, after a create, `not_listed`).",
	AllSucceeded: "Complete, and every URL is `succeed`.",
}

// The results in a resource's schema. They keep their state through an
// in-place update, which starts no preheat.

// urlResultsAttribute is a list of per-URL results, such as preheating_results.
func urlResultsAttribute(docs urlResultsDocs) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: docs.List,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"url":      schema.StringAttribute{Computed: true, MarkdownDescription: docs.URL},
			"status":   schema.StringAttribute{Computed: true, MarkdownDescription: docs.Status},
			"task_id":  schema.StringAttribute{Computed: true, MarkdownDescription: docs.TaskID},
			"attempts": schema.Int64Attribute{Computed: true, MarkdownDescription: docs.Attempts},
		}},
		PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
	}
}

// resultCountAttribute is one of the counts: total, processing, succeed, failed.
func resultCountAttribute(description string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: description,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
}

// resultFlagAttribute is completed or all_succeeded.
func resultFlagAttribute(description string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: description,
		PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}}
}

// The same results in a data source's schema.

// dataSourceURLResultsAttribute is urlResultsAttribute for a data source.
func dataSourceURLResultsAttribute(docs urlResultsDocs) dsschema.ListNestedAttribute {
	return dsschema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: docs.List,
		NestedObject: dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{
			"url":      dsschema.StringAttribute{Computed: true, MarkdownDescription: docs.URL},
			"status":   dsschema.StringAttribute{Computed: true, MarkdownDescription: docs.Status},
			"task_id":  dsschema.StringAttribute{Computed: true, MarkdownDescription: docs.TaskID},
			"attempts": dsschema.Int64Attribute{Computed: true, MarkdownDescription: docs.Attempts},
		}},
	}
}

// dataSourceResultCountAttribute is resultCountAttribute for a data source.
func dataSourceResultCountAttribute(description string) dsschema.Int64Attribute {
	return dsschema.Int64Attribute{Computed: true, MarkdownDescription: description}
}

// dataSourceResultFlagAttribute is resultFlagAttribute for a data source.
func dataSourceResultFlagAttribute(description string) dsschema.BoolAttribute {
	return dsschema.BoolAttribute{Computed: true, MarkdownDescription: description}
}
