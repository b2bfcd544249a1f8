# Adopt existing preheat tasks as one batch with an import block (Terraform
# 1.5 and newer): the ID is the task IDs, separated by commas.
import {
  to = vod_preheating_batch.season_2
  id = "5199337c31c8e4622f1590735b13a263,6c1f2e9d8a7b4c3d2e1f0a9b8c7d6e5f"
}
