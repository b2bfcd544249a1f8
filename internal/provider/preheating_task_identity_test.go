package provider

// Resource identity of vod_preheating_task and vod_preheating_batch
// (Terraform 1.12 and newer).

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// runIdentitySteps runs steps on Terraform 1.12 and newer, which have resource identity.
func runIdentitySteps(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps:                    steps,
	})
}

func TestAccPreheatingTask_identity(t *testing.T) {
	emu := newTestEmulator(t, -1)
	config := emu.taskConfig(`  urls = ["https://cdn.example.com/a.mp4"]`)
	runIdentitySteps(t,
		resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectIdentity(taskAddress, map[string]knownvalue.Check{"task_id": knownvalue.StringRegexp(taskIDPattern)}),
			statecheck.ExpectIdentityValueMatchesState(taskAddress, tfjsonpath.New("task_id")),
		}},
		resource.TestStep{
			// import { to = …, identity = { task_id = "…" } }: the task is
			// adopted, and the configuration's urls are recorded in place.
			ResourceName:       taskAddress,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithResourceIdentity,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(taskAddress, plancheck.ResourceActionUpdate),
			}},
		},
		resource.TestStep{
			// terraform plan -generate-config-out: the generated
			// configuration plans no change (the step fails otherwise).
			ResourceName:    taskAddress,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
			GenerateConfig:  true,
		},
	)
}

func TestAccPreheatingBatch_identity(t *testing.T) {
	emu := newTestEmulator(t, -1)
	config := emu.batchConfig("  urls = " + releaseURLs(12, "https://cdn.example.com/id/%02d.ts") + "\n")
	runIdentitySteps(t,
		resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectIdentityValueMatchesState(batchAddress, tfjsonpath.New("id")),
		}},
		resource.TestStep{
			ResourceName:       batchAddress,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithResourceIdentity,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
			}},
		},
		resource.TestStep{ResourceName: batchAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity, GenerateConfig: true},
	)
}
