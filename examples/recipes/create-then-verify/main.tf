# Recipe 3: create the preheat with the resource, verify it at every plan,
# and preheat again whenever the published content changes.
variable "content_hash" {
  type        = string
  description = "Hash of the published video files, from the build."
}

# Stands in for the resource that publishes the videos.
resource "terraform_data" "video" {
  input = var.content_hash
}

resource "vod_preheating_task" "release" {
  urls = [
    "https://cdn.example.com/videos/launch/index.m3u8",
    "https://cdn.example.com/videos/launch/1080p.mp4",
  ]

  # Either of these starts a new preheat: triggers when a value you pass in
  # changes, replace_triggered_by when another resource is replaced or updated.
  triggers = {
    content_hash = var.content_hash
  }

  lifecycle {
    replace_triggered_by = [terraform_data.video]
  }
}

# Verify: every plan refreshes the task, and this check warns if it has
# failed URLs (with fail_on_failed = false, say, or after an import).
check "release_preheat" {
  assert {
    condition     = vod_preheating_task.release.failed == 0
    error_message = "Preheat task ${vod_preheating_task.release.id} has ${vod_preheating_task.release.failed} failed URLs."
  }
}

output "preheat_task_id" {
  value = vod_preheating_task.release.id
}
