# A pipeline step that preheats with the vod_preheat action (Terraform 1.14
# and newer) after the resource that publishes the videos changes. The
# action keeps no state: its test passes when the apply, action included,
# succeeds. See tests/.
terraform {
  required_providers {
    vod = { source = "vodprovider/vod" }
  }
}

provider "vod" {}

variable "release" {
  type = string
}

variable "urls" {
  type = list(string)
}

# Stands in for the resource that publishes the videos.
resource "terraform_data" "video" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.vod_preheat.release]
    }
  }
}

action "vod_preheat" "release" {
  config {
    urls    = var.urls
    timeout = "15m"
  }
}
