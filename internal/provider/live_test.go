package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// liveEnv is what a run against real Huawei Cloud needs.
var liveEnv = []string{"HW_REGION_NAME", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_PROJECT_ID", "HW_VOD_PREHEAT_TASK_ID"}

// TestAccLive_preheatingResult reads a real preheat task. It runs only when
// every variable in liveEnv is set.
func TestAccLive_preheatingResult(t *testing.T) {
	var missing []string
	for _, name := range liveEnv {
		if os.Getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Skipf("live test against Huawei Cloud: set %s (missing: %s)", strings.Join(liveEnv, ", "), strings.Join(missing, ", "))
	}
	runStep(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "vod" {}

data "vod_preheating_result" "test" {
  task_id = %q
}`, os.Getenv("HW_VOD_PREHEAT_TASK_ID")),
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("id", knownvalue.StringExact(os.Getenv("HW_VOD_PREHEAT_TASK_ID"))),
			expectAttr("total", knownvalue.NotNull()),
		},
	})
}
