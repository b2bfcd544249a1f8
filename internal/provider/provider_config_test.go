package provider

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

var simpleDataSource = dataBlock(fmt.Sprintf("task_id = %q", testTaskID))

func TestAccProvider_configurationFromEnvironment(t *testing.T) {
	clearProviderEnv(t)
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	t.Setenv("HW_VOD_ENDPOINT", emu.URL)
	t.Setenv("HW_PROJECT_ID", testProjectID)
	// The SDK's own names work too.
	t.Setenv("HUAWEICLOUD_SDK_AK", testAccessKey)
	t.Setenv("HUAWEICLOUD_SDK_SK", testSecretKey)
	t.Setenv("HW_MAX_RETRIES", "0")
	runStep(t, resource.TestStep{
		Config: `provider "vod" {}` + simpleDataSource,
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("total", knownvalue.Int64Exact(1)),
			expectAttr("all_succeeded", knownvalue.Bool(true)),
		},
	})
}

func TestAccProvider_configurationWinsOverEnvironment(t *testing.T) {
	clearProviderEnv(t)
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "failed"}})
	t.Setenv("HW_SECRET_KEY", "a-wrong-secret-from-the-environment")
	t.Setenv("HW_VOD_ENDPOINT", "http://127.0.0.1:1")
	runStep(t, resource.TestStep{
		Config: emu.providerBlock() + simpleDataSource,
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("failed", knownvalue.Int64Exact(1)),
		},
	})
}

func TestAccProvider_securityToken(t *testing.T) {
	clearProviderEnv(t)
	emu := emulator.New(emulator.Config{AccessKey: testAccessKey, SecretKey: testSecretKey, ProjectID: testProjectID, SecurityToken: "TOKENEXAMPLE"})
	url, shutdown, err := emulator.Start("127.0.0.1:0", emu)
	if err != nil {
		t.Fatal(err)
	}
	// t.Context() is already cancelled when cleanups run.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = shutdown(ctx)
	})
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	t.Setenv("HW_SECURITY_TOKEN", "TOKENEXAMPLE")
	runStep(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "vod" {
  endpoint   = %q
  project_id = %q
  access_key = %q
  secret_key = %q
}`, url, testProjectID, testAccessKey, testSecretKey) + simpleDataSource,
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
}

func TestAccProvider_configurationErrors(t *testing.T) {
	clearProviderEnv(t)
	cases := []struct {
		name, provider string
		want           *regexp.Regexp
	}{
		{"missing everything", `provider "vod" {}`,
			regexp.MustCompile(`(?s)Missing project_id.*HW_PROJECT_ID or\s+HUAWEICLOUD_SDK_PROJECT_ID`)},
		{"missing secret key", `provider "vod" {
  region     = "cn-north-4"
  project_id = "p"
  access_key = "ak"
}`, regexp.MustCompile(`(?s)Missing secret_key.*HW_SECRET_KEY or HUAWEICLOUD_SDK_SK`)},
		{"unknown region", `provider "vod" {
  region     = "mars-north-1"
  project_id = "p"
  access_key = "ak"
  secret_key = "sk"
}`, regexp.MustCompile(`(?s)Unknown region.*mars-north-1.*cn-north-4.*HW_CLOUD.*HW_VOD_ENDPOINT`)},
		{"no region and no endpoint", `provider "vod" {
  project_id = "p"
  access_key = "ak"
  secret_key = "sk"
}`, regexp.MustCompile(`(?s)Missing region.*HW_REGION_NAME.*HW_VOD_ENDPOINT`)},
		{"malformed endpoint", `provider "vod" {
  endpoint   = "ftp://vod.example.com"
  project_id = "p"
  access_key = "ak"
  secret_key = "sk"
}`, errorMatching("Invalid endpoint", "must start with https:// or http://")},
		{"endpoint with a path", `provider "vod" {
  endpoint   = "https://gateway.example.com/vod"
  project_id = "p"
  access_key = "ak"
  secret_key = "sk"
}`, errorMatching("Invalid endpoint", "without a path")},
		{"max_retries out of range", `provider "vod" {
  region      = "cn-north-4"
  project_id  = "p"
  access_key  = "ak"
  secret_key  = "sk"
  max_retries = 99
}`, regexp.MustCompile(`(?s)max_retries.*between 0 and 20`)},
		{"max_requests_per_second not positive", `provider "vod" {
  region                  = "cn-north-4"
  project_id              = "p"
  access_key              = "ak"
  secret_key              = "sk"
  max_requests_per_second = 0
}`, errorMatching("Invalid max_requests_per_second", `max_requests_per_second (or HW_VOD_MAX_RPS) is "0"; use a number of requests per second above 0`)},
		{"unknown value at configure", `
resource "terraform_data" "later" {
  input = "known only after apply"
}
provider "vod" {
  region     = "cn-north-4"
  project_id = terraform_data.later.output
  access_key = "ak"
  secret_key = "sk"
}`, regexp.MustCompile(`(?s)Unknown value for project_id.*HW_PROJECT_ID`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runStep(t, resource.TestStep{Config: tc.provider + simpleDataSource, ExpectError: tc.want})
		})
	}
}

func TestAccProvider_invalidEnvironmentValues(t *testing.T) {
	clearProviderEnv(t)
	t.Setenv("HW_REGION_NAME", "cn-north-4")
	t.Setenv("HW_PROJECT_ID", "p")
	t.Setenv("HW_ACCESS_KEY", "ak")
	t.Setenv("HW_SECRET_KEY", "sk")
	t.Setenv("HW_INSECURE", "sometimes")
	t.Setenv("HW_MAX_RETRIES", "many")
	t.Setenv("HW_VOD_MAX_RPS", "fast")
	runStep(t, resource.TestStep{
		Config:      `provider "vod" {}` + simpleDataSource,
		ExpectError: regexp.MustCompile(`(?s)Invalid insecure.*HW_INSECURE is "sometimes".*Invalid max_retries.*"many".*Invalid max_requests_per_second.*"fast"`),
	})
}

// TestAccProvider_maxRequestsPerSecondKeepsUnderTheQuota reads three data
// sources against a quota of 2 requests a second (burst 2) with no retries:
// capped at 0.5 a second the plan never meets a 429. Without the cap the
// three reads leave together (see TestAccProvider_quotaWithoutCapIsThrottled),
// so the cap is what holds.
//
// It does not depend on the gaps between Terraform's commands, each a new
// provider process whose first request is not paced by the one before: 2 s
// apart, a process's requests find the bucket full (4 tokens' refill for a
// size of 2), so the one request that may follow at once, the next
// process's first, always finds a token, however soon it comes.
func TestAccProvider_maxRequestsPerSecondKeepsUnderTheQuota(t *testing.T) {
	emu := newQuotaEmulator(t, emulator.Quota{RequestsPerSecond: 2, Burst: 2})
	runStep(t, resource.TestStep{
		Config: emu.threeReads(`max_requests_per_second = 0.5`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.vod_preheating_result.c", tfjsonpath.New("total"), knownvalue.Int64Exact(1)),
		},
	})
	if n := emu.Throttled(); n != 0 {
		t.Fatalf("the emulator refused %d requests over its quota", n)
	}
}

// TestAccProvider_quotaWithoutCapIsThrottled: uncapped, the three reads of
// one plan go out within a minute (at once, in fact), so a quota of two a
// minute refuses the third, whatever the machine's load.
func TestAccProvider_quotaWithoutCapIsThrottled(t *testing.T) {
	emu := newQuotaEmulator(t, emulator.Quota{QueriesPerMinute: 2})
	runStep(t, resource.TestStep{
		Config:      emu.threeReads(""),
		ExpectError: errorMatching("HTTP 429", "error_code APIGW.0308", "limit:2,time:1 minute"),
	})
}

// newQuotaEmulator serves one finished task under quota.
func newQuotaEmulator(t *testing.T, quota emulator.Quota) *testEmulator {
	clearProviderEnv(t)
	emu := emulator.New(emulator.Config{AccessKey: testAccessKey, SecretKey: testSecretKey, ProjectID: testProjectID,
		Quota: quota})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	return &testEmulator{Server: emu, URL: srv.URL}
}

// threeReads reads the task three times, with no retries and the extra
// provider arguments given.
func (e *testEmulator) threeReads(providerArguments string) string {
	config := fmt.Sprintf(`
provider "vod" {
  endpoint    = %q
  project_id  = %q
  access_key  = %q
  secret_key  = %q
  max_retries = 0
  %s
}
`, e.URL, testProjectID, testAccessKey, testSecretKey, providerArguments)
	for _, name := range []string{"a", "b", "c"} {
		config += fmt.Sprintf("data \"vod_preheating_result\" %q {\n  task_id = %q\n}\n", name, testTaskID)
	}
	return config
}

// configureProvider runs the provider's Configure with the given settings
// (the others null), as Terraform would, and returns the client it built.
func configureProvider(ctx context.Context, t *testing.T, settings map[string]string) (*vod.Client, diag.Diagnostics) {
	t.Helper()
	p := New("test")()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	configType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, typ := range configType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range settings {
		values[name] = tftypes.NewValue(tftypes.String, v)
	}
	req := provider.ConfigureRequest{TerraformVersion: "1.16.3",
		Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(configType, values)}}
	var resp provider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	data, _ := resp.DataSourceData.(*providerData)
	if data == nil {
		return nil, resp.Diagnostics
	}
	return data.client, resp.Diagnostics
}

// TestProviderLogsAndErrorsCarryNoSecrets configures the provider with a
// secret key and a security token, makes calls that log (a throttled one, a
// successful one, a refused one) and checks neither secret, nor the
// signature, reaches the log or the error text.
func TestProviderLogsAndErrorsCarryNoSecrets(t *testing.T) {
	clearProviderEnv(t)
	const secretKey, token = "SK-SECRET-VALUE-0123456789", "TOKEN-SECRET-VALUE-9876543210"
	emu := emulator.New(emulator.Config{AccessKey: testAccessKey, SecretKey: secretKey, ProjectID: testProjectID, SecurityToken: token})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	emu.InjectFaults(1, emulator.Fault429("1"))

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	settings := map[string]string{"endpoint": srv.URL, "project_id": testProjectID, "access_key": testAccessKey,
		"secret_key": secretKey, "security_token": token}
	client, diags := configureProvider(ctx, t, settings)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, err := client.QueryPreheating(ctx, testTaskID); err != nil {
		t.Fatal(err)
	}
	settings["security_token"] = token + "-wrong"
	wrong, diags := configureProvider(ctx, t, settings)
	if diags.HasError() {
		t.Fatal(diags)
	}
	_, err := wrong.QueryPreheating(ctx, testTaskID)
	if err == nil {
		t.Fatal("a wrong token was accepted")
	}
	// The log is not empty: it has the three exchanges.
	if n := strings.Count(logs.String(), `"request_id"`); n != 3 {
		t.Fatalf("%d logged exchanges, want 3:\n%s", n, logs.String())
	}
	for _, secret := range []string{secretKey, token, "Signature", emulator.Algorithm} {
		if strings.Contains(logs.String(), secret) || strings.Contains(err.Error(), secret) {
			t.Errorf("%q reached the log or the error %q", secret, err)
		}
	}
}

// TestRegionIgnoresTheSDKOverrides: the SDK would send a region's requests
// wherever HUAWEICLOUD_SDK_REGION_VOD_* says; the provider does not.
func TestRegionIgnoresTheSDKOverrides(t *testing.T) {
	clearProviderEnv(t)
	t.Setenv("HUAWEICLOUD_SDK_REGION_VOD_CN_NORTH_4", "http://127.0.0.1:1")
	client, diags := configureProvider(context.Background(), t, map[string]string{
		"region": "cn-north-4", "project_id": testProjectID, "access_key": testAccessKey, "secret_key": testSecretKey})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got := client.Endpoint(); got != "https://vod.cn-north-4.myhuaweicloud.com" {
		t.Fatalf("endpoint = %q", got)
	}
}

func TestRequestTimeoutSetting(t *testing.T) {
	clearProviderEnv(t)
	base := map[string]string{"endpoint": "http://127.0.0.1:1", "project_id": testProjectID, "access_key": testAccessKey, "secret_key": testSecretKey}
	client, diags := configureProvider(context.Background(), t, base)
	if diags.HasError() || client.RequestTimeout() != DefaultRequestTimeout {
		t.Fatalf("by default: %v, %v; want %s", client.RequestTimeout(), diags, DefaultRequestTimeout)
	}
	t.Setenv("HW_VOD_REQUEST_TIMEOUT", "90s")
	if client, diags = configureProvider(context.Background(), t, base); diags.HasError() || client.RequestTimeout() != 90*time.Second {
		t.Fatalf("from the environment: %v, %v; want 90s", client.RequestTimeout(), diags)
	}
	withSetting := maps.Clone(base)
	withSetting["request_timeout"] = "2m"
	if client, diags = configureProvider(context.Background(), t, withSetting); diags.HasError() || client.RequestTimeout() != 2*time.Minute {
		t.Fatalf("the setting over the environment: %v, %v; want 2m", client.RequestTimeout(), diags)
	}
	for _, bad := range []string{"500ms", "-1s"} {
		settings := maps.Clone(base)
		settings["request_timeout"] = bad
		_, diags := configureProvider(context.Background(), t, settings)
		if !diags.HasError() || !strings.Contains(diags[0].Detail(), "request_timeout (or HW_VOD_REQUEST_TIMEOUT) is \""+bad+"\"") {
			t.Errorf("request_timeout %q: %v", bad, diags)
		}
	}
	// In the block, the duration type itself refuses what is not a duration.
	settings := maps.Clone(base)
	settings["request_timeout"] = "soon"
	if _, diags := configureProvider(context.Background(), t, settings); !diags.HasError() ||
		!strings.Contains(diags[0].Detail(), "Given Value: soon") || !diags[0].(diag.DiagnosticWithPath).Path().Equal(path.Root("request_timeout")) {
		t.Errorf("request_timeout \"soon\": %v", diags)
	}
	// From the environment, the provider's own check says which variable.
	t.Setenv("HW_VOD_REQUEST_TIMEOUT", "soon")
	if _, diags := configureProvider(context.Background(), t, base); !diags.HasError() ||
		!strings.Contains(diags[0].Detail(), "request_timeout (or HW_VOD_REQUEST_TIMEOUT) is \"soon\"") {
		t.Errorf("HW_VOD_REQUEST_TIMEOUT=soon: %v", diags)
	}
}
