# Recipe 8: preheat a whole release. Every rendition of every episode and every
# asset of the release in one resource: the provider splits them into tasks
# (10 URLs each, one per asset), paces them within the tenant's quotas,
# preheats failed URLs once more, and a postcondition stops the pipeline if
# a URL still failed. A new release version starts a new preheat.
variable "release" {
  type = object({
    version    = string
    base_url   = string
    episodes   = list(string)
    renditions = list(string)
    asset_ids  = list(string)
  })
}

resource "vod_preheating_batch" "release" {
  urls = flatten([
    for episode in var.release.episodes : [
      for rendition in var.release.renditions : "${var.release.base_url}/${episode}/${rendition}"
    ]
  ])
  asset_ids = var.release.asset_ids

  retry_failed   = 1
  fail_on_failed = false # the postcondition below decides, and lists what failed

  triggers = {
    version = var.release.version
  }

  timeouts = {
    create = "30m"
  }

  lifecycle {
    postcondition {
      condition = self.all_succeeded
      error_message = format("Release %s: %d of %d URLs failed to preheat: %s", var.release.version, self.failed, self.total,
      join(", ", [for r in self.preheating_results : r.url if r.status == "failed"]))
    }
  }
}

output "release_preheat" {
  value = {
    tasks   = length(vod_preheating_batch.release.task_ids)
    succeed = vod_preheating_batch.release.succeed
    total   = vod_preheating_batch.release.total
  }
}
