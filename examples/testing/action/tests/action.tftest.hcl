# Run from examples/testing/action against the emulator:
#   vod-emulator --processing-time 2s -- terraform test
# An action keeps no state and has no outputs, so there is nothing to
# assert on: a run passes when its apply, the action included, succeeds,
# and fails with the action's error (a failed URL, the timeout). The second
# run shows the action runs again on an update.

run "first_release_preheats" {
  variables {
    release = "2026-06-01"
    urls    = ["https://cdn.example.com/launch/index.m3u8", "https://cdn.example.com/launch/1080p.m3u8"]
  }

  assert {
    condition     = terraform_data.video.output == "2026-06-01"
    error_message = "The release was not published."
  }
}

run "next_release_preheats_again" {
  variables {
    release = "2026-06-02"
    urls    = ["https://cdn.example.com/launch/index.m3u8", "https://cdn.example.com/launch/720p.m3u8"]
  }

  assert {
    condition     = terraform_data.video.output == "2026-06-02"
    error_message = "The release was not published."
  }
}
