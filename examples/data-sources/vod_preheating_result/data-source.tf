# Wait for a preheat to finish and fail the run if any URL failed,
# as a release pipeline would.
data "vod_preheating_result" "release" {
  task_id             = "5199337c31c8e4622f1590735b13a263"
  wait_for_completion = true
  poll_interval       = "10s"
  fail_on_failed      = true

  timeouts = {
    read = "15m"
  }
}

output "preheat" {
  value = data.vod_preheating_result.release.preheating_results
}

# Read the state as it is, without waiting.
data "vod_preheating_result" "now" {
  task_id = "5199337c31c8e4622f1590735b13a263"
}

output "preheat_progress" {
  value = "${data.vod_preheating_result.now.succeed}/${data.vod_preheating_result.now.total} preheated"
}
