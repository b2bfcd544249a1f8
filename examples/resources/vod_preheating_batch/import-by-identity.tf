# Terraform 1.12 and newer: adopt tasks by the batch's resource identity.
import {
  to = vod_preheating_batch.season_2
  identity = {
    id = "5199337c31c8e4622f1590735b13a263,6c1f2e9d8a7b4c3d2e1f0a9b8c7d6e5f"
  }
}
