# Terraform 1.12 and newer: adopt a task by its resource identity.
import {
  to = vod_preheating_task.release
  identity = {
    task_id = "5199337c31c8e4622f1590735b13a263"
  }
}
