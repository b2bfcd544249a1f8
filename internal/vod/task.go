package vod

import (
	"strconv"
	"strings"
)

// The statuses the VOD API documents for a preheated URL.
const (
	StatusProcessing = "processing"
	StatusSucceed    = "succeed"
	StatusFailed     = "failed"
)

// StatusNotListed is this provider's status, never the API's, for a URL
// that was sent in a task that ended without listing it (under any
// spelling URLKey matches): the preheat of that URL is not confirmed. It
// has ended, is not a success, and counts in none of processing, succeed
// and failed.
const StatusNotListed = "not_listed"

// NotListedAfter is how many answers in a row must show a task's listed
// URLs all ended, and a URL sent in it missing, before the wait gives up on
// that URL (StatusNotListed) rather than waiting for it to be listed.
const NotListedAfter = 3

// URLStatus is one URL of a preheat task and its status exactly as the API sent it.
type URLStatus struct {
	URL    string
	Status string
}

// Task is what one query of a preheat task returned, in the API's order.
type Task struct {
	ID      string
	Results []URLStatus
}

// Counts tallies a task's URLs by status. Other counts statuses the API docs
// do not list; they are kept, not dropped, and count as still in progress.
type Counts struct {
	Total, Processing, Succeed, Failed, Other int
}

// documentedStatus spells a documented status as the API docs do, in lower
// case, whatever case it came in (the SDK's enum spells them in upper case),
// so that configurations can compare it with "failed"; any other value is
// kept as sent.
func documentedStatus(status string) string {
	for _, documented := range []string{StatusProcessing, StatusSucceed, StatusFailed} {
		if strings.EqualFold(status, documented) {
			return documented
		}
	}
	return status
}

// isStatus compares case-insensitively: the API sends lowercase, the SDK's
// enum spells the same values in uppercase.
func isStatus(got, want string) bool { return strings.EqualFold(got, want) }

func isFinal(status string) bool {
	return isStatus(status, StatusSucceed) || isStatus(status, StatusFailed) || status == StatusNotListed
}

// listedKeys is the URLKey of every URL the task lists.
func (t Task) listedKeys() map[string]bool {
	keys := make(map[string]bool, len(t.Results))
	for _, r := range t.Results {
		keys[URLKey(r.URL)] = true
	}
	return keys
}

// Unlisted returns the URLs of sent that the task does not list under any
// spelling URLKey matches, in sent's order.
func (t Task) Unlisted(sent []string) []string {
	listed := t.listedKeys()
	var missing []string
	for _, u := range sent {
		if !listed[URLKey(u)] {
			missing = append(missing, u)
		}
	}
	return missing
}

// Extra returns the URLs the task lists that match none of sent, in the
// API's order: what it listed instead of the URLs Unlisted returns.
func (t Task) Extra(sent []string) []string {
	keys := make(map[string]bool, len(sent))
	for _, u := range sent {
		keys[URLKey(u)] = true
	}
	var extra []string
	for _, r := range t.Results {
		if !keys[URLKey(r.URL)] {
			extra = append(extra, r.URL)
		}
	}
	return extra
}

// Counts tallies the task's URLs by status.
func (t Task) Counts() Counts {
	return countStatuses(len(t.Results), func(i int) string { return t.Results[i].Status })
}

// countStatuses tallies n statuses, the i-th given by status(i).
func countStatuses(n int, status func(i int) string) Counts {
	c := Counts{Total: n}
	for i := range n {
		switch s := status(i); {
		case isStatus(s, StatusProcessing):
			c.Processing++
		case isStatus(s, StatusSucceed):
			c.Succeed++
		case isStatus(s, StatusFailed):
			c.Failed++
		default:
			c.Other++
		}
	}
	return c
}

// Completed reports whether the task has URLs and every one of them has
// ended. An empty list is not complete: the task may not be registered yet.
func (t Task) Completed() bool {
	if len(t.Results) == 0 {
		return false
	}
	for _, r := range t.Results {
		if !isFinal(r.Status) {
			return false
		}
	}
	return true
}

// AllSucceeded reports whether the task has URLs and every one succeeded.
func (t Task) AllSucceeded() bool {
	if len(t.Results) == 0 {
		return false
	}
	for _, r := range t.Results {
		if !isStatus(r.Status, StatusSucceed) {
			return false
		}
	}
	return true
}

// PendingURLs returns up to limit URLs that have not ended, in order.
func (t Task) PendingURLs(limit int) []string {
	return t.urlsWhere(limit, func(s string) bool { return !isFinal(s) })
}

// FailedURLs returns up to limit URLs whose preheat failed, in order.
func (t Task) FailedURLs(limit int) []string {
	return t.urlsWhere(limit, func(s string) bool { return isStatus(s, StatusFailed) })
}

func (t Task) urlsWhere(limit int, match func(status string) bool) []string {
	var urls []string
	for _, r := range t.Results {
		if len(urls) == limit {
			break
		}
		if match(r.Status) {
			urls = append(urls, r.URL)
		}
	}
	return urls
}

// Summary describes the task's progress in one line, for errors and logs.
func (t Task) Summary() string {
	c := t.Counts()
	if c.Total == 0 {
		return "the task has no URLs yet"
	}
	parts := []string{plural(c.Total, "URL")}
	for _, p := range []struct {
		n    int
		name string
	}{{c.Processing, StatusProcessing}, {c.Succeed, StatusSucceed}, {c.Failed, StatusFailed}, {c.Other, "in another status"}} {
		if p.n > 0 {
			parts = append(parts, strconv.Itoa(p.n)+" "+p.name)
		}
	}
	return parts[0] + ": " + strings.Join(parts[1:], ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
