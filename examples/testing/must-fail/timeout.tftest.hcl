# This test FAILS on purpose: run it with
#   vod-emulator --processing-time 2s -- terraform test -test-directory=must-fail
# and expect "Failure!". The emulator takes 2 s to preheat a URL, longer
# than the create timeout, so the apply stops with the provider's timeout
# error. No run block can expect that error (expect_failures only catches
# custom conditions), so a timeout is tested by a run that must fail.

run "release_slower_than_its_timeout" {
  variables {
    release        = "2026-06-05"
    urls           = ["https://cdn.example.com/launch/slow.m3u8"]
    create_timeout = "1s"
  }
}
