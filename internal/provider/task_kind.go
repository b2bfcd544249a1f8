package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// taskKind is what differs between the two kinds of CDN task the provider
// drives, preheat and refresh (refresh_action.go): the client's flow for
// them, and the words the shared messages use. The create-and-wait path,
// its checks and its diagnostics are the same code for both.
type taskKind struct {
	noun string // "preheat", "refresh"
	// run is the client's many-task flow for this kind.
	run func(ctx context.Context, client *vod.Client, req vod.PreheatRequest) (vod.PreheatOutcome, error)
	// query reads one task of this kind.
	query func(ctx context.Context, client *vod.Client, taskID string) (vod.Task, error)
	// reword turns a shared message, written for preheats, into this
	// kind's words; nil keeps it as it is.
	reword func(string) string
}

var preheatKind = &taskKind{
	noun: "preheat",
	run: func(ctx context.Context, c *vod.Client, req vod.PreheatRequest) (vod.PreheatOutcome, error) {
		return c.Preheat(ctx, req)
	},
	query: func(ctx context.Context, c *vod.Client, taskID string) (vod.Task, error) {
		return c.QueryPreheating(ctx, taskID)
	},
}

// kindOr is kind, or preheatKind when kind is nil.
func kindOr(kind *taskKind) *taskKind {
	if kind == nil {
		return preheatKind
	}
	return kind
}

// words is message in this kind's words.
func (k *taskKind) words(message string) string {
	if k == nil || k.reword == nil {
		return message
	}
	return k.reword(message)
}

// wordDiagnostics is diags in this kind's words, attribute paths kept.
func (k *taskKind) wordDiagnostics(diags diag.Diagnostics) diag.Diagnostics {
	if k == nil || k.reword == nil {
		return diags
	}
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		summary, detail := k.reword(d.Summary()), k.reword(d.Detail())
		withPath, hasPath := d.(diag.DiagnosticWithPath)
		switch {
		case hasPath && d.Severity() == diag.SeverityError:
			out = append(out, diag.NewAttributeErrorDiagnostic(withPath.Path(), summary, detail))
		case hasPath:
			out = append(out, diag.NewAttributeWarningDiagnostic(withPath.Path(), summary, detail))
		case d.Severity() == diag.SeverityError:
			out = append(out, diag.NewErrorDiagnostic(summary, detail))
		default:
			out = append(out, diag.NewWarningDiagnostic(summary, detail))
		}
	}
	return out
}
