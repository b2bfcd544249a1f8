package main

import (
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

func TestLogLevelsTerraformKeeps(t *testing.T) {
	both := func(level string) map[string]string {
		return map[string]string{"TF_LOG_SDK": level, "TF_LOG_PROVIDER_VOD": level}
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"Terraform logs nothing from providers", nil, both("OFF")},
		{"TF_LOG sets the level", map[string]string{"TF_LOG": "info"}, both("INFO")},
		{"TF_LOG_PROVIDER wins over TF_LOG", map[string]string{"TF_LOG": "DEBUG", "TF_LOG_PROVIDER": "error"}, both("ERROR")},
		{"TF_LOG_PROVIDER alone", map[string]string{"TF_LOG_PROVIDER": "WARN"}, both("WARN")},
		{"TF_LOG=OFF", map[string]string{"TF_LOG": "off"}, both("OFF")},
		{"TRACE keeps everything", map[string]string{"TF_LOG": "TRACE"}, nil},
		{"JSON is TRACE", map[string]string{"TF_LOG": "JSON"}, nil},
		{"an invalid level is TRACE to Terraform", map[string]string{"TF_LOG": "verbose"}, nil},
		{"Terraform does not trim a level", map[string]string{"TF_LOG": " info"}, nil},
		{"a level the user set stays", map[string]string{"TF_LOG": "INFO", "TF_LOG_SDK": "TRACE"}, map[string]string{"TF_LOG_PROVIDER_VOD": "INFO"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := logLevelsTerraformKeeps(func(name string) string { return tc.env[name] })
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// The built provider, run by Terraform as users run it, writes to stderr
// (which Terraform filters) only what Terraform's provider log level keeps.
func TestAccProviderBinaryLogsAtTerraformsLevel(t *testing.T) {
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || terraform == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run the Terraform CLI")
	}
	const (
		accessKey = "LOGTESTACCESSKEY"
		secretKey = "LOGTESTSECRETKEY"
		projectID = "0123456789abcdef0123456789abcdef"
		taskID    = "00000000000000000000000000000001"
	)
	emu := emulator.New(emulator.Config{AccessKey: accessKey, SecretKey: secretKey, ProjectID: projectID, ProcessingTime: -1})
	emu.SeedTask(taskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	srv := httptest.NewServer(emu)
	defer srv.Close()

	dir := t.TempDir()
	bin := filepath.Join(dir, "provider")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// A wrapper in the provider's place keeps what the provider writes to stderr.
	stderrFile := filepath.Join(dir, "stderr.log")
	wrapper := fmt.Sprintf("#!/bin/sh\nexec %q \"$@\" 2>>%q\n", bin, stderrFile)
	if err := os.WriteFile(filepath.Join(dir, "terraform-provider-vod"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"vodprovider/vod\" = %q\n  }\n  direct {}\n}\n", dir)
	if err := os.WriteFile(filepath.Join(dir, "dev.tfrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	config := "terraform {\n  required_providers {\n    vod = { source = \"vodprovider/vod\" }\n  }\n}\n" +
		"data \"vod_preheating_result\" \"t\" {\n  task_id = \"" + taskID + "\"\n}\n" +
		"output \"succeed\" {\n  value = data.vod_preheating_result.t.succeed\n}\n"
	work := filepath.Join(dir, "config")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	plan := func(t *testing.T, logEnv ...string) string {
		t.Helper()
		if err := os.Remove(stderrFile); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		cmd := exec.Command(terraform, "plan", "-input=false", "-lock=false", "-no-color")
		cmd.Dir = work
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			"TF_CLI_CONFIG_FILE=" + filepath.Join(dir, "dev.tfrc"), "TF_LOG_PATH=" + filepath.Join(dir, "terraform.log"),
			"HW_VOD_ENDPOINT=" + srv.URL, "HW_PROJECT_ID=" + projectID, "HW_ACCESS_KEY=" + accessKey, "HW_SECRET_KEY=" + secretKey}
		cmd.Env = append(cmd.Env, logEnv...)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "succeed = 1") {
			t.Fatalf("terraform plan: %v\n%s", err, out)
		}
		written, err := os.ReadFile(stderrFile)
		if err != nil {
			t.Fatal(err)
		}
		return string(written)
	}
	levels := func(stderr string) map[string]int {
		count := map[string]int{}
		for _, line := range strings.Split(stderr, "\n") {
			if i := strings.Index(line, `"@level":"`); i >= 0 {
				level, _, _ := strings.Cut(line[i+len(`"@level":"`):], `"`)
				count[level]++
			}
		}
		return count
	}

	t.Run("TF_LOG unset: no log lines built", func(t *testing.T) {
		stderr := plan(t)
		// go-plugin's own startup line is all that remains.
		if n := len(stderr); n > 2000 {
			t.Errorf("the provider wrote %d bytes of logs that Terraform drops; levels %v; first bytes:\n%.600s", n, levels(stderr), stderr)
		}
		if strings.Contains(stderr, "VOD API request") {
			t.Errorf("the provider logged its request although Terraform keeps no provider logs:\n%.600s", stderr)
		}
	})
	t.Run("TF_LOG=DEBUG: debug lines, no trace", func(t *testing.T) {
		stderr := plan(t, "TF_LOG=DEBUG")
		if !strings.Contains(stderr, `"@message":"VOD API request"`) {
			t.Errorf("the provider's DEBUG request line is missing; levels %v", levels(stderr))
		}
		if n := levels(stderr)["trace"]; n > 0 {
			t.Errorf("%d TRACE lines written although Terraform keeps DEBUG and up", n)
		}
	})
	t.Run("TF_LOG=TRACE: the framework's trace lines too", func(t *testing.T) {
		stderr := plan(t, "TF_LOG=TRACE")
		if !strings.Contains(stderr, `"@module":"sdk.framework"`) || levels(stderr)["trace"] == 0 {
			t.Errorf("no framework TRACE lines; levels %v", levels(stderr))
		}
	})
	t.Run("a level set for the SDK stays", func(t *testing.T) {
		stderr := plan(t, "TF_LOG=INFO", "TF_LOG_SDK_FRAMEWORK=TRACE")
		if !strings.Contains(stderr, `"@module":"sdk.framework"`) {
			t.Errorf("TF_LOG_SDK_FRAMEWORK=TRACE was overridden; levels %v", levels(stderr))
		}
	})
}
