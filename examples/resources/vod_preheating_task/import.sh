# Adopt an existing preheat task by its task_id.
terraform import vod_preheating_task.release 5199337c31c8e4622f1590735b13a263
