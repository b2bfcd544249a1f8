# The demo that `make demo` applies against the local emulator.
terraform {
  required_providers {
    vod = {
      source = "vodprovider/vod"
    }
  }
}

# scripts/demo.sh points the provider at the emulator through the environment:
# HW_VOD_ENDPOINT, HW_PROJECT_ID, HW_ACCESS_KEY and HW_SECRET_KEY.
provider "vod" {}

# A release's preheat: wait until every URL has ended, fail if any failed.
data "vod_preheating_result" "release" {
  task_id             = "5199337c31c8e4622f1590735b13a263"
  wait_for_completion = true
  poll_interval       = "1s"
  fail_on_failed      = true

  timeouts = {
    read = "2m"
  }
}

# A new preheat of a release's URLs, created here: the apply waits until
# every URL has ended (one ends every 2 s in the demo) and fails if one failed.
resource "vod_preheating_task" "release" {
  urls = [
    "https://cdn.example.com/demo/index.m3u8",
    "https://cdn.example.com/demo/720p.mp4",
    "https://cdn.example.com/demo/1080p.mp4",
  ]
  triggers = {
    release = "2025-06"
  }
  poll_interval = "1s"
}

# Another task read as it is, without waiting: one URL of each status.
data "vod_preheating_result" "mixed" {
  task_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
}

output "release_results" {
  value = data.vod_preheating_result.release.preheating_results
}

output "release_summary" {
  value = {
    total         = data.vod_preheating_result.release.total
    succeed       = data.vod_preheating_result.release.succeed
    failed        = data.vod_preheating_result.release.failed
    all_succeeded = data.vod_preheating_result.release.all_succeeded
  }
}

output "mixed_summary" {
  value = {
    total      = data.vod_preheating_result.mixed.total
    processing = data.vod_preheating_result.mixed.processing
    succeed    = data.vod_preheating_result.mixed.succeed
    failed     = data.vod_preheating_result.mixed.failed
    completed  = data.vod_preheating_result.mixed.completed
  }
}

output "created_task" {
  value = {
    task_id       = vod_preheating_task.release.id
    succeed       = vod_preheating_task.release.succeed
    total         = vod_preheating_task.release.total
    all_succeeded = vod_preheating_task.release.all_succeeded
  }
}
