# Recipe 6 (Terraform 1.16 and newer): a failed preheat warns and the run goes
# on. With on_failure = continue, the action's error becomes a warning, the
# apply ends "Actions: 1 invoked, 1 failed." with exit code 0, and what
# depends on the video is still created.
#
# Nothing preheats again by itself: the video exists, so the next apply has no
# change to trigger the action. Preheat again with
#   terraform apply -replace=terraform_data.video
# or by hand with terraform apply -invoke=action.vod_preheat.release
variable "release_version" {
  type = string
}

variable "preheat_urls" {
  type = list(string)
}

# Stands in for the resource that publishes the videos.
resource "terraform_data" "video" {
  input = var.release_version

  lifecycle {
    action_trigger {
      events     = [after_create, after_update]
      actions    = [action.vod_preheat.release]
      on_failure = continue
    }
  }
}

action "vod_preheat" "release" {
  config {
    urls    = var.preheat_urls
    timeout = "15m"
  }
}

# Stands in for what the release does next, such as announcing the video.
resource "terraform_data" "announcement" {
  input = "release ${terraform_data.video.output} is out"
}
