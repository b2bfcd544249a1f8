//go:build !unix

package provider

import "time"

// processCPU is not measured on this system: the cpu-ms/op figure reads 0.
func processCPU() time.Duration { return 0 }
