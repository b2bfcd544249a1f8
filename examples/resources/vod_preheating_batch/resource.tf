# Preheat a whole release: every rendition URL and every asset, in tasks of
# 10 URLs and one task per asset, waited for together. URLs that failed are
# preheated once more; the apply fails if one still failed.
locals {
  renditions = ["index.m3u8", "1080p.m3u8", "720p.m3u8", "480p.m3u8"]
  episodes   = ["e01", "e02", "e03", "e04", "e05", "e06", "e07", "e08"]
  release_urls = flatten([
    for episode in local.episodes : [
      for rendition in local.renditions : "https://cdn.example.com/season-2/${episode}/${rendition}"
    ]
  ])
}

resource "vod_preheating_batch" "season_2" {
  urls      = local.release_urls # 32 URLs: 4 tasks, plus 2 asset tasks
  asset_ids = ["5a2ce64c865e0e6046321c6f3d5a77ba", "7b3df75d976f1f1157432d7e4e6b88cb"]

  retry_failed = 1

  triggers = {
    release = "season-2"
  }

  timeouts = {
    create = "30m"
  }
}

output "season_2_preheat" {
  value = {
    tasks         = length(vod_preheating_batch.season_2.task_ids)
    succeed       = vod_preheating_batch.season_2.succeed
    failed        = vod_preheating_batch.season_2.failed
    all_succeeded = vod_preheating_batch.season_2.all_succeeded
  }
}
