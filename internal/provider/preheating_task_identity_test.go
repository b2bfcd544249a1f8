package provider

// Resource identity of vod_preheating_task and vod_preheating_batch
// (Terraform 1.12 and newer).

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
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

// importExampleSteps applies an import example from examples/resources as
// the resource page shows it, against the emulator holding the tasks it
// names: the example adopts them, and the empty resource block plans no
// change after the import.
func importExampleSteps(t *testing.T, file, address, resourceBlock string) resource.TestStep {
	t.Helper()
	content, err := os.ReadFile(filepath.Join("..", "..", "examples", "resources", file))
	if err != nil {
		t.Fatal(err)
	}
	taskIDs := regexp.MustCompile(`[0-9a-f]{32}`).FindAllString(string(content), -1)
	if len(taskIDs) == 0 {
		t.Fatalf("%s names no task ID", file)
	}
	emu := newTestEmulator(t, -1)
	for _, id := range taskIDs {
		emu.SeedTask(id, []emulator.URLSeed{{URL: "https://cdn.example.com/" + id + ".ts", Status: "succeed"}})
	}
	return resource.TestStep{
		Config: emu.providerBlock() + string(content) + resourceBlock,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(strings.Join(taskIDs, ","))),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("all_succeeded"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("total"), knownvalue.Int64Exact(int64(len(taskIDs)))),
		},
	}
}

func TestAccExamples_importBlocksByID(t *testing.T) {
	for _, tc := range []struct{ file, address, block string }{
		{"vod_preheating_task/import-by-string-id.tf", "vod_preheating_task.release", `resource "vod_preheating_task" "release" {}`},
		{"vod_preheating_batch/import-by-string-id.tf", "vod_preheating_batch.season_2", `resource "vod_preheating_batch" "season_2" {}`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps:                    []resource.TestStep{importExampleSteps(t, tc.file, tc.address, tc.block)},
			})
		})
	}
}

func TestAccExamples_importBlocksByIdentity(t *testing.T) {
	for _, tc := range []struct{ file, address, block string }{
		{"vod_preheating_task/import-by-identity.tf", "vod_preheating_task.release", `resource "vod_preheating_task" "release" {}`},
		{"vod_preheating_batch/import-by-identity.tf", "vod_preheating_batch.season_2", `resource "vod_preheating_batch" "season_2" {}`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			runIdentitySteps(t, importExampleSteps(t, tc.file, tc.address, tc.block))
		})
	}
}
