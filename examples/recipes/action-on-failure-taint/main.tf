# Recipe 7 (Terraform 1.16 and newer): a failed preheat fails the run and
# taints the video, so that the next apply publishes it again, which
# preheats again. Terraform taints only for the after_create event: an update
# whose preheat fails just fails the run (on_failure = halt, the default,
# behaves so for every event, and the next apply then passes without
# preheating).
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
      events     = [after_create]
      actions    = [action.vod_preheat.release]
      on_failure = taint
    }
  }
}

action "vod_preheat" "release" {
  config {
    urls    = var.preheat_urls
    timeout = "15m"
  }
}
