package vod

import (
	"testing"
	"time"
)

func TestDurationTextReadsAsWritten(t *testing.T) {
	for in, want := range map[time.Duration]string{
		850 * time.Millisecond:                  "850ms",
		2100349 * time.Microsecond:              "2.1s",
		60 * time.Second:                        "1m",
		4*time.Minute + 10*time.Second:          "4m10s",
		20 * time.Minute:                        "20m",
		19*time.Minute + 59997*time.Millisecond: "20m",
		time.Hour:                               "1h",
		24*time.Hour + 2*time.Minute + 10273*time.Millisecond: "24h2m10s",
		-1500 * time.Millisecond:                              "-1.5s",
	} {
		if got := DurationText(in); got != want {
			t.Errorf("DurationText(%v) = %q, want %q", in, got, want)
		}
	}
}
