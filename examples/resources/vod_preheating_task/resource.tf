# Preheat a release's CDN URLs, wait until every URL has ended, and fail the
# apply if one failed. A new preheat runs whenever the content hash changes.
resource "vod_preheating_task" "release" {
  urls = [
    "https://cdn.example.com/videos/launch/index.m3u8",
    "https://cdn.example.com/videos/launch/1080p.mp4",
  ]

  triggers = {
    content_hash = "sha256:9f86d081884c7d65"
  }

  poll_interval = "10s"

  timeouts = {
    create = "15m"
  }
}

output "release_preheat" {
  value = {
    task_id       = vod_preheating_task.release.id
    succeed       = vod_preheating_task.release.succeed
    failed        = vod_preheating_task.release.failed
    all_succeeded = vod_preheating_task.release.all_succeeded
  }
}

# Preheat a published asset's playback URLs without waiting.
resource "vod_preheating_task" "asset" {
  asset_id            = "5a2ce64c865e0e6046321c6f3d5a77ba"
  wait_for_completion = false
}
