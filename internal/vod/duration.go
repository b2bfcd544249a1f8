package vod

import (
	"strings"
	"time"
)

// DurationText writes a duration the way people write one, for messages
// and docs: "850ms", "2.1s", "4m10s", "20m", "24h2m10s", never
// "2.100349s", "20m0s" or "1h0m0s". It is precise where the precision
// matters to a reader and no further.
func DurationText(d time.Duration) string {
	abs := d
	if abs < 0 {
		abs = -abs
	}
	switch {
	case abs < time.Second:
		d = d.Round(time.Millisecond)
	case abs < 10*time.Second:
		d = d.Round(100 * time.Millisecond)
	default:
		d = d.Round(time.Second)
	}
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}
