# Added to the demo only with Terraform 1.14 or newer (actions). Publishing
# the "video" triggers the vod_preheat action, whose progress the CLI shows:
#   Action action.vod_preheat.publish (triggered by terraform_data.video): 1/3 succeeded, 0 failed, 2 processing
resource "terraform_data" "video" {
  input = "release-2025-06"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.vod_preheat.publish]
    }
  }
}

action "vod_preheat" "publish" {
  config {
    urls = [
      "https://cdn.example.com/demo/trailer/index.m3u8",
      "https://cdn.example.com/demo/trailer/720p.mp4",
      "https://cdn.example.com/demo/trailer/1080p.mp4",
    ]
    poll_interval = "500ms"
    timeout       = "2m"
  }
}
