package provider

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// queriesWithin counts the queries the default schedule sends in [0, window)
// with the same jitter for every gap: the first at once, then one per gap.
func queriesWithin(window time.Duration, jitter float64) int {
	n := 0
	for elapsed := time.Duration(0); elapsed < window; elapsed += vod.DefaultPollGap(elapsed, jitter) {
		n++
	}
	return n
}

// The data source page gives the query figures of the default schedule in a
// wait's first two minutes; they must be what vod.DefaultPollGap sends.
func TestDocumentedFirstMinuteQueriesMatchTheSchedule(t *testing.T) {
	const steps = 1000 // jitter is uniform in [0, 1): average over an even grid
	var firstMinute, firstTwo float64
	for i := range steps {
		jitter := (float64(i) + 0.5) / steps
		firstMinute += float64(queriesWithin(time.Minute, jitter))
		firstTwo += float64(queriesWithin(2*time.Minute, jitter))
	}
	firstMinute /= steps
	firstTwo /= steps
	least, most := queriesWithin(time.Minute, 0), queriesWithin(time.Minute, 0.999999)

	page, err := os.ReadFile("../../templates/data-sources/preheating_result.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(page)), " ")
	for _, claim := range []struct {
		text string
		ok   bool
	}{
		{"about 17 queries in its first minute", firstMinute >= 16.5 && firstMinute < 17.5},
		{"(15 to 19, with the jitter)", least == 15 && most == 19},
		{"about 4 in its second", firstTwo-firstMinute >= 3.5 && firstTwo-firstMinute < 4.5},
		{"Ten waits started together therefore send about 170 queries", firstMinute*10 >= 165 && firstMinute*10 < 175},
	} {
		if !strings.Contains(doc, claim.text) {
			t.Errorf("the data source page no longer says %q", claim.text)
		}
		if !claim.ok {
			t.Errorf("%q is not what the schedule does: %.1f queries in the first minute (%d to %d), %.1f in the first two",
				claim.text, firstMinute, least, most, firstTwo)
		}
	}
}
