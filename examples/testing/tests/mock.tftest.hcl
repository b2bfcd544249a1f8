# No emulator needed: mock_provider stands in for the provider. It still
# checks the configuration with the provider's schema and validators (a bad
# URL or retry_failed = 9 is refused), but skips the provider's plan: an
# empty urls passes ("Nothing to preheat" is never said), and a change of
# urls or triggers updates the batch in place instead of replacing it. It
# configures nothing, sends no request, and makes up every computed value:
# strings are random, numbers 0, booleans false, lists empty; arguments left
# out that the provider defaults, such as wait_for_completion, read false
# too. It tests the configuration's own logic (here, the gate), not the
# preheat.
mock_provider "vod" {
  # Without this default all_succeeded is always false and the gate can
  # never open under the mock.
  mock_resource "vod_preheating_batch" {
    defaults = {
      all_succeeded = true
    }
  }
}

variables {
  release = "mocked"
  urls    = ["https://cdn.example.com/launch/index.m3u8", "https://cdn.example.com/launch/1080p.m3u8"]
}

run "gate_stays_closed_when_a_url_failed" {
  # preheating_results, a list of objects, takes no mock value in Terraform
  # 1.16 (a default or an override for it is refused): mock the counters.
  override_resource {
    target = vod_preheating_batch.release
    values = {
      all_succeeded = false
      failed        = 1
    }
  }

  assert {
    condition     = !output.go_live && output.failed == 1
    error_message = "The gate must stay closed when a URL failed."
  }
}

# A state of its own: in the state above the batch exists, and under the
# mock a new release only updates it in place (replacing it is the
# provider's plan, skipped), keeping the values the override gave.
run "gate_opens_when_every_url_succeeded" {
  state_key = "every_url_succeeded"

  assert {
    condition     = output.go_live
    error_message = "The gate must open when every URL succeeded."
  }
}
