# Wait for a release's preheat to finish and stop the run if a URL failed.
# A postcondition, unlike fail_on_failed = true, does not block
# terraform destroy: Terraform does not check conditions while destroying.
data "vod_preheating_result" "release" {
  task_id             = "5199337c31c8e4622f1590735b13a263"
  wait_for_completion = true

  timeouts = {
    read = "15m" # bounds the whole wait
  }

  lifecycle {
    postcondition {
      condition     = self.all_succeeded
      error_message = "Preheat task ${self.id} failed for: ${join(", ", [for r in self.preheating_results : r.url if r.status == "failed"])}."
    }
  }
}

output "preheat" {
  value = data.vod_preheating_result.release.preheating_results
}

# Read the state as it is, without waiting: one query.
data "vod_preheating_result" "now" {
  task_id = "5199337c31c8e4622f1590735b13a263"
}

output "preheat_progress" {
  value = "${data.vod_preheating_result.now.succeed}/${data.vod_preheating_result.now.total} preheated"
}
