package vod

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// lookUpProject makes the harness's client find its project by name.
func lookUpProject(name string) func(*Config) {
	return func(c *Config) {
		c.ProjectID = ""
		c.ProjectLookup = ProjectLookup{Name: name, IAMEndpoint: c.Endpoint}
	}
}

func TestProjectLookedUpByNameOncePerProcess(t *testing.T) {
	h := newHarness(t, emulator.Config{ProjectName: "vod-prod"}, lookUpProject("vod-prod"))
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	for range 2 {
		if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
			t.Fatal(err)
		}
	}
	// A second client in the same process (Terraform configures one per
	// command) finds the ID without asking again.
	second, err := New(h.client.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
	if n := h.emu.IAMRequests(); n != 1 {
		t.Fatalf("IAM was asked %d times, want once", n)
	}
}

func TestNoIAMCallWithProjectID(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
	if n := h.emu.IAMRequests(); n != 0 {
		t.Fatalf("IAM was asked %d times although the project ID was given", n)
	}
}

func TestProjectLookupErrorsSaySetProjectID(t *testing.T) {
	cases := map[string]struct {
		emu  emulator.Config
		want []string
	}{
		"unknown name": {emulator.Config{ProjectName: "vod-prod"}, []string{`project "vod-staging"`, "IAM knows no project of that name"}},
		"IAM refuses":  {emulator.Config{ProjectName: "vod-staging", IAMDenied: true}, []string{"IAM refused the call", "HTTP 403", "IAM.0002", "X-Request-Id"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, tc.emu, lookUpProject("vod-staging"))
			for range 2 {
				_, err := h.client.QueryPreheating(context.Background(), testTask)
				var lookupErr *ProjectLookupError
				if !errors.As(err, &lookupErr) {
					t.Fatalf("err = %v", err)
				}
				for _, want := range append(tc.want, "Set project_id") {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%q missing from %v", want, err)
					}
				}
			}
			if n := h.emu.IAMRequests(); n != 1 {
				t.Fatalf("a final IAM answer was asked for %d times, want once", n)
			}
			if n := h.emu.RequestCount(); n != 0 {
				t.Fatalf("VOD was called %d times without a project", n)
			}
		})
	}
}

func TestMetadataKeysSignRequestsAndStayOutOfLogs(t *testing.T) {
	h := newHarness(t, emulator.Config{TemporaryKeyLifetime: time.Hour, MetadataToken: emulator.MetadataTokenRequired}, func(c *Config) {
		c.AccessKey, c.SecretKey = "", ""
		c.KeyChain.MetadataEndpoint = c.Endpoint
	})
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
	keys := h.client.keys.current
	if keys.SecretKey == "" || keys.SecurityToken == "" {
		t.Fatal("the client holds no metadata keys")
	}
	if n := h.emu.MetadataTokenRequests(); n != 1 {
		t.Fatalf("%d session token requests, want 1", n)
	}
	logged := sprintf("%+v %v %+v %#v", h.calls, keys, keys, keys)
	for _, secret := range []string{keys.SecretKey, keys.SecurityToken} {
		if strings.Contains(logged, secret) {
			t.Fatalf("logs show a temporary secret: %s", logged)
		}
	}
}
