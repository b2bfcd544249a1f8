# Recipe 4 (Terraform 1.14 and newer): preheat after every publish with the
# vod_preheat action, and run it by hand with
#   terraform apply -invoke=action.vod_preheat.release
#
# Two traps. A failed preheat fails this apply, but the next one passes: the
# video exists, so nothing triggers the action again (preheat again with
# -replace=terraform_data.video or -invoke, or see recipes 6 and 7). And
# Ctrl-C during -invoke ends "Apply complete!" with exit code 0 although the
# preheat did not finish (Terraform's behaviour): a pipeline should run with
# -json and require the action's "type":"action_complete" message.
variable "release_version" {
  type = string
}

# Stands in for the resource that publishes the videos.
resource "terraform_data" "video" {
  input = var.release_version

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
    timeout = "15m"
  }
}
