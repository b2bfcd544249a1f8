package vod

import (
	"fmt"
	"strings"
)

// PreheatError is a preheat that stopped part-way: creating (a create
// failed, the daily quota, ctx ended with tasks still to create) or waiting
// (ctx ended, a query failed for good). The outcome returned with it holds
// every task created; Cause is the create's error unchanged, or the wait's
// *WaitError.
type PreheatError struct {
	Noun        string // the tasks' kind: "preheat" (also when empty) or "refresh"
	Phase       string // "create" (some specs not sent) or "wait"
	Created     int    // tasks created
	URLsCovered int    // URLs in the created tasks, as far as known
	// AssetsUnlisted counts created asset tasks whose URLs are not known yet.
	AssetsUnlisted int
	NotSent        []TaskSpec
	Cause          error
}

func (e *PreheatError) Error() string {
	var b strings.Builder
	noun := e.Noun
	if noun == "" {
		noun = "preheat"
	}
	fmt.Fprintf(&b, "%s created covering %s", plural(e.Created, noun+" task"), plural(e.URLsCovered, "URL"))
	if e.AssetsUnlisted > 0 {
		fmt.Fprintf(&b, " (and %s not listed yet)", plural(e.AssetsUnlisted, "asset's URLs"))
	}
	if len(e.NotSent) > 0 {
		b.WriteString("; not sent: " + describeSpecs(e.NotSent))
	}
	fmt.Fprintf(&b, "; %v", e.Cause)
	return b.String()
}

func (e *PreheatError) Unwrap() error { return e.Cause }

// assetsShown is how many asset IDs a message lists.
const assetsShown = 5

// describeSpecs says what specs hold: "3 tasks: 25 URLs, assets a1, a2".
func describeSpecs(specs []TaskSpec) string {
	urls := 0
	var assets []string
	for _, s := range specs {
		urls += len(s.URLs)
		if s.AssetID != "" {
			assets = append(assets, s.AssetID)
		}
	}
	var parts []string
	if urls > 0 {
		parts = append(parts, plural(urls, "URL"))
	}
	if len(assets) > 0 {
		shown := strings.Join(assets[:min(len(assets), assetsShown)], ", ")
		if more := len(assets) - assetsShown; more > 0 {
			shown += fmt.Sprintf(" and %d more", more)
		}
		parts = append(parts, "assets "+shown)
	}
	return plural(len(specs), "task") + " (" + strings.Join(parts, ", ") + ")"
}
