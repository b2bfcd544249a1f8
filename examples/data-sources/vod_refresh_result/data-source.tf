# Wait for a refresh task (such as one the vod_refresh action created) to
# finish, and stop the run if a URL's refresh failed.
data "vod_refresh_result" "release" {
  task_id             = "8f14e45fceea167a5a36dedd4bea2543"
  wait_for_completion = true

  timeouts = {
    read = "15m" # bounds the whole wait
  }

  lifecycle {
    postcondition {
      condition     = self.all_succeeded
      error_message = "Refresh task ${self.id} failed for: ${join(", ", [for r in self.refresh_results : r.url if r.status == "failed"])}."
    }
  }
}

output "refresh" {
  value = "${data.vod_refresh_result.release.succeed}/${data.vod_refresh_result.release.total} refreshed"
}
