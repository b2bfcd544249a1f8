terraform {
  required_providers {
    vod = {
      source  = "vodprovider/vod"
      version = "~> 0.1"
    }
  }
}

# Credentials usually come from the environment:
#   HW_ACCESS_KEY, HW_SECRET_KEY (and HW_SECURITY_TOKEN for temporary credentials).
provider "vod" {
  region     = "cn-north-4"   # or HW_REGION_NAME
  project_id = var.project_id # or HW_PROJECT_ID
}

variable "project_id" {
  type        = string
  description = "IAM project ID of the region; null uses HW_PROJECT_ID, else looks it up in IAM by the region's name."
  default     = null
}
