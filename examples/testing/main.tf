# A release pipeline's preheat step, small enough to test offline: the
# release's URLs go to one batch, and the outputs say whether the release
# may go live. Its tests are in tests/ (terraform test) and must-fail/.
terraform {
  required_providers {
    vod = { source = "vodprovider/vod" }
  }
}

# Endpoint, keys and project from the environment (HW_VOD_ENDPOINT,
# HW_ACCESS_KEY, HW_SECRET_KEY, HW_PROJECT_ID): the emulator's under test,
# Huawei Cloud's in production.
provider "vod" {}

variable "release" {
  description = "Release name; a new one preheats again."
  type        = string
}

variable "urls" {
  description = "The release's CDN URLs."
  type        = list(string)
}

variable "retry_failed" {
  description = "Rounds of preheating failed URLs again."
  type        = number
  default     = 1
}

variable "create_timeout" {
  description = "Bounds creating the tasks and waiting for them."
  type        = string
  default     = "30m"
}

resource "vod_preheating_batch" "release" {
  urls         = var.urls
  retry_failed = var.retry_failed
  # Failed URLs are reported in the outputs rather than failing the apply,
  # so that the pipeline (and its tests) decide what a failure means.
  fail_on_failed = false

  triggers = {
    release = var.release
  }

  timeouts = {
    create = var.create_timeout
  }
}

output "tasks" {
  description = "How many preheat tasks were created, retries included."
  value       = length(vod_preheating_batch.release.task_ids)
}

output "succeed" {
  value = vod_preheating_batch.release.succeed
}

output "failed" {
  description = "How many URLs still failed after the retries."
  value       = vod_preheating_batch.release.failed
}

output "failed_urls" {
  description = "The URLs that still failed after the retries."
  value       = [for r in vod_preheating_batch.release.preheating_results : r.url if r.status == "failed"]
}

output "go_live" {
  description = "The pipeline's gate: every URL preheated."
  value       = vod_preheating_batch.release.all_succeeded
}
