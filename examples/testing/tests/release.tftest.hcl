# Run against the emulator, from examples/testing:
#   vod-emulator --processing-time 2s --huawei-quota --quota-window 5s -- terraform test
# Each run block applies main.tf; the runs of a file share one state, so a
# new release name replaces the batch, as in a pipeline.

variables {
  release = "2026-06-01"
}

run "release_succeeds" {
  variables {
    urls = [
      "https://cdn.example.com/launch/index.m3u8",
      "https://cdn.example.com/launch/1080p.m3u8",
      "https://cdn.example.com/launch/720p.m3u8",
    ]
  }

  assert {
    condition     = output.go_live
    error_message = "Every URL should have been preheated; failed: ${jsonencode(output.failed_urls)}."
  }

  assert {
    condition     = output.succeed == 3 && output.tasks == 1
    error_message = "Three URLs go in one task."
  }
}

# A failed URL cannot be caught with expect_failures: that catches only a
# failed custom condition, not the provider's own error. So the
# configuration sets fail_on_failed = false and the run asserts on failed.
run "failed_url_closes_the_gate" {
  variables {
    release = "2026-06-02"
    urls = [
      "https://cdn.example.com/launch/index.m3u8",
      "https://cdn.example.com/launch/fail/1080p.m3u8", # the emulator fails a URL containing "fail"
    ]
  }

  assert {
    condition     = !output.go_live
    error_message = "A release with a failed URL must not go live."
  }

  assert {
    condition     = output.failed_urls == ["https://cdn.example.com/launch/fail/1080p.m3u8"]
    error_message = "Only the URL containing \"fail\" should have failed, got ${jsonencode(output.failed_urls)}."
  }

  assert {
    condition     = vod_preheating_batch.release.failed == 1 && output.tasks == 2
    error_message = "The failed URL is preheated once more (retry_failed = 1), in a second task, and fails again."
  }
}

run "flaky_url_recovers_on_retry" {
  variables {
    release = "2026-06-03"
    urls    = ["https://cdn.example.com/launch/flaky/480p.m3u8"] # fails the first time only
  }

  assert {
    condition     = output.go_live && vod_preheating_batch.release.preheating_results[0].attempts == 2
    error_message = "The flaky URL should succeed on its second attempt."
  }
}
