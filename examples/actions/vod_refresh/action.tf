# Refresh the CDN's cache of a release's videos after the resource that
# publishes the new versions is updated (Terraform 1.14 and newer), so the
# CDN fetches the new content instead of serving its cached copy; or by hand:
#   terraform apply -invoke=action.vod_refresh.release
resource "terraform_data" "video" {
  input = "release-2025-07"

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.vod_refresh.release]
    }
  }
}

action "vod_refresh" "release" {
  config {
    urls = [
      "https://cdn.example.com/videos/launch/index.m3u8",
      "https://cdn.example.com/videos/launch/1080p.mp4",
    ]
    asset_ids      = ["d4e7b8c2a1f04e6f9b3c5a7d8e9f0a1b"]
    retry_failed   = 1
    fail_on_failed = true
    timeout        = "15m"
  }
}
