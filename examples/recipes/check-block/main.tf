# Recipe 1: a check block that warns, without failing the run, when the
# release's preheat did not fully succeed. The pipeline passes the task ID.
variable "preheat_task_id" {
  type = string
}

check "release_preheat" {
  # Scoped to the check: read at every plan and apply, never kept in state.
  data "vod_preheating_result" "release" {
    task_id             = var.preheat_task_id
    wait_for_completion = true

    timeouts = {
      read = "15m"
    }
  }

  assert {
    condition     = data.vod_preheating_result.release.all_succeeded
    error_message = "Preheat task ${var.preheat_task_id}: ${data.vod_preheating_result.release.failed} of ${data.vod_preheating_result.release.total} URLs failed."
  }
}
