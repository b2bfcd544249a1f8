# Preheat after the resource that publishes the videos is created or updated
# (Terraform 1.14 and newer), or by hand:
#   terraform apply -invoke=action.vod_preheat.release
resource "terraform_data" "video" {
  input = "release-2025-06"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.vod_preheat.release]
    }
  }
}

action "vod_preheat" "release" {
  config {
    urls = [
      "https://cdn.example.com/videos/launch/index.m3u8",
      "https://cdn.example.com/videos/launch/1080p.mp4",
    ]
    poll_interval  = "10s"
    fail_on_failed = true
    timeout        = "15m"
  }
}
