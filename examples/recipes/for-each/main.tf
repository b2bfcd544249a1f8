# Recipe 5: one preheat per release with for_each, and an output that sums
# them up. Failed URLs are reported in the output rather than failing the run.
variable "releases" {
  type = map(list(string))
}

resource "vod_preheating_task" "release" {
  for_each = var.releases

  urls           = each.value
  fail_on_failed = false
}

output "preheat_summary" {
  value = {
    all_succeeded = alltrue([for task in vod_preheating_task.release : task.all_succeeded])
    by_release    = { for name, task in vod_preheating_task.release : name => "${task.succeed}/${task.total} succeeded" }
    failed_urls = sort(flatten([
      for task in vod_preheating_task.release : [for r in task.preheating_results : r.url if r.status == "failed"]
    ]))
  }
}
