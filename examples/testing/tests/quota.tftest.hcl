# Huawei's quotas: 10 preheat creates and 100 queries a minute per tenant.
# Run it against an emulator started with --huawei-quota (and
# --quota-window 5s, so that a "minute" takes five seconds): 15 tasks do not
# fit in one window, the gateway answers 429, and the provider waits for
# the next window instead of failing.

run "release_larger_than_a_window_of_creates" {
  variables {
    release = "2026-06-04"
    urls    = [for i in range(150) : "https://cdn.example.com/big-release/segment-${i}.ts"]
  }

  assert {
    condition     = output.go_live && output.tasks == 15
    error_message = "150 URLs go in 15 tasks, all preheated in spite of the quota."
  }
}
