# Recipe 2: fail the run when the release's preheat failed, with a
# postcondition on the data source.
variable "preheat_task_id" {
  type = string
}

data "vod_preheating_result" "release" {
  task_id             = var.preheat_task_id
  wait_for_completion = true

  timeouts = {
    read = "15m"
  }

  lifecycle {
    postcondition {
      condition     = self.all_succeeded
      error_message = "Preheat task ${self.id} failed for: ${join(", ", [for r in self.preheating_results : r.url if r.status == "failed"])}."
    }
  }
}
