# Recipe 9 (Terraform 1.14 and newer): release an updated video under the
# same playback URLs. The CDN keeps serving its cached copy of a URL until
# it is refreshed, and a preheat only warms what the CDN does not hold: so
# refresh first, then preheat. The actions of one action_trigger run one
# after the other, in order, and vod_refresh waits until every refresh has
# ended, so no preheat starts before the stale copy is gone.
variable "release_version" {
  type = string
}

locals {
  urls = [
    "https://cdn.example.com/videos/launch/index.m3u8",
    "https://cdn.example.com/videos/launch/1080p.mp4",
  ]
}

# Stands in for the resource that publishes the new version of the videos.
resource "terraform_data" "video" {
  input = var.release_version

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.vod_refresh.release, action.vod_preheat.release]
    }
    action_trigger {
      events  = [after_create]
      actions = [action.vod_preheat.release]
    }
  }
}

action "vod_refresh" "release" {
  config {
    urls    = local.urls
    timeout = "15m"
  }
}

action "vod_preheat" "release" {
  config {
    urls    = local.urls
    timeout = "15m"
  }
}
