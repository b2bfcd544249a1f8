# Adopt an existing preheat task by its task_id with an import block
# (Terraform 1.5 and newer); terraform plan shows the import, apply records it.
import {
  to = vod_preheating_task.release
  id = "5199337c31c8e4622f1590735b13a263"
}
