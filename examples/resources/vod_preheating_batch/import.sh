# Adopt existing preheat tasks as one batch: their task IDs, separated by commas.
terraform import vod_preheating_batch.season_2 5199337c31c8e4622f1590735b13a263,6c1f2e9d8a7b4c3d2e1f0a9b8c7d6e5f
