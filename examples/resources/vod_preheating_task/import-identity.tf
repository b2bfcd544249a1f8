# The same by resource identity (Terraform 1.12 and newer).
import {
  to = vod_preheating_task.release
  identity = {
    task_id = "5199337c31c8e4622f1590735b13a263"
  }
}
