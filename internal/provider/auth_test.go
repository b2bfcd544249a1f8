package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// startEmulator serves an emulator configured by cfg (the test tenant's keys
// and project filled in) on 127.0.0.1, with one succeeded task seeded.
func startEmulator(t *testing.T, cfg emulator.Config) *testEmulator {
	t.Helper()
	clearProviderEnv(t)
	cfg.AccessKey, cfg.SecretKey, cfg.ProjectID = testAccessKey, testSecretKey, testProjectID
	if cfg.ProcessingTime == 0 {
		cfg.ProcessingTime = time.Hour
	}
	emu := emulator.New(cfg)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	return &testEmulator{Server: emu, URL: srv.URL}
}

// writeCLIConfig writes a Huawei Cloud CLI config file into the test's
// temporary directory and returns its path.
func writeCLIConfig(t *testing.T, content any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	data, ok := content.([]byte)
	if !ok {
		var err error
		if data, err = json.Marshal(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type cliProfile map[string]string

func cliConfig(current string, profiles ...cliProfile) map[string]any {
	return map[string]any{"language": "en", "current": current, "profiles": profiles}
}

var (
	goodProfile  = cliProfile{"name": "dev", "mode": "AKSK", "accessKeyId": testAccessKey, "secretAccessKey": testSecretKey}
	wrongProfile = cliProfile{"name": "old", "mode": "AKSK", "accessKeyId": testAccessKey, "secretAccessKey": "an-old-secret"}
)

// keylessProvider configures the provider for emu with no keys, plus extra.
func (e *testEmulator) keylessProvider(extra string) string {
	return fmt.Sprintf(`
provider "vod" {
  endpoint    = %q
  project_id  = %q
  max_retries = 0
%s
}
`, e.URL, testProjectID, extra) + simpleDataSource
}

func TestAccAuth_sharedConfigFileCurrentProfile(t *testing.T) {
	emu := startEmulator(t, emulator.Config{})
	file := writeCLIConfig(t, cliConfig("dev", wrongProfile, goodProfile))
	runStep(t, resource.TestStep{
		Config:            emu.keylessProvider(fmt.Sprintf("shared_config_file = %q", file)),
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
}

func TestAccAuth_sharedConfigFileNamedProfileFromEnvironment(t *testing.T) {
	emu := startEmulator(t, emulator.Config{})
	// The current profile's secret is wrong: only the named one works.
	t.Setenv("HW_SHARED_CONFIG_FILE", writeCLIConfig(t, cliConfig("old", wrongProfile, goodProfile)))
	t.Setenv("HW_PROFILE", "dev")
	runStep(t, resource.TestStep{
		Config:            emu.keylessProvider(""),
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
}

func TestAccAuth_keysInEnvironmentWinOverSharedConfigFile(t *testing.T) {
	emu := startEmulator(t, emulator.Config{})
	t.Setenv("HW_ACCESS_KEY", testAccessKey)
	t.Setenv("HW_SECRET_KEY", testSecretKey)
	t.Setenv("HW_SHARED_CONFIG_FILE", writeCLIConfig(t, cliConfig("old", wrongProfile)))
	runStep(t, resource.TestStep{
		Config:            emu.keylessProvider(""),
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
}

func TestAccAuth_sharedConfigFileErrors(t *testing.T) {
	const secret = "SECRET-VALUE-IN-FILE"
	dir := t.TempDir()
	encrypted := writeCLIConfig(t, []byte("U2FsdGVkX1+"+secret+"=="))
	noKeys := writeCLIConfig(t, cliConfig("dev", cliProfile{"name": "dev", "mode": "AKSK", "region": "cn-north-4"}))
	encryptedKeys := writeCLIConfig(t, map[string]any{"current": "dev", "cliAuthEncrypt": true,
		"profiles": []cliProfile{{"name": "dev", "mode": "AKSK", "accessKeyIdCipher": secret}}})
	cases := []struct {
		name, settings string
		want           []string
	}{
		{"encrypted file", fmt.Sprintf("shared_config_file = %q", encrypted),
			[]string{"shared config file " + encrypted, "profile (the current one)", "an encrypted file cannot be read"}},
		{"missing profile", fmt.Sprintf("shared_config_file = %q\nprofile = \"prod\"", noKeys),
			[]string{"shared config file " + noKeys, "profile prod", "the file has no such profile"}},
		{"profile without keys", fmt.Sprintf("shared_config_file = %q", noKeys),
			[]string{"shared config file " + noKeys, "profile dev", "the profile has no accessKeyId and secretAccessKey"}},
		{"keys stored encrypted", fmt.Sprintf("shared_config_file = %q", encryptedKeys),
			[]string{"shared config file " + encryptedKeys, "profile dev", "stored encrypted", "--cli-auth-encrypt=false"}},
		{"missing file", fmt.Sprintf("shared_config_file = %q", filepath.Join(dir, "absent.json")),
			[]string{"shared config file " + filepath.Join(dir, "absent.json"), "the file does not exist"}},
	}
	emu := startEmulator(t, emulator.Config{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runStep(t, resource.TestStep{Config: emu.keylessProvider(tc.settings), ExpectError: errorMatching(tc.want...)})
		})
	}
	if n := emu.RequestCount() + emu.MetadataRequests(); n != 0 {
		t.Fatalf("a broken config file must stop the provider before any request; the emulator saw %d", n)
	}
}

func TestAccAuth_metadataKeys(t *testing.T) {
	// The metadata service requires a session token, as it can on ECS.
	emu := startEmulator(t, emulator.Config{TemporaryKeyLifetime: time.Hour, MetadataToken: emulator.MetadataTokenRequired})
	t.Setenv(metadataEndpointEnv, emu.URL)
	runStep(t, resource.TestStep{
		Config:            emu.keylessProvider(""),
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
	if emu.MetadataRequests() == 0 || emu.MetadataTokenRequests() == 0 {
		t.Fatalf("the metadata service handed out %d keys and %d session tokens, want both", emu.MetadataRequests(), emu.MetadataTokenRequests())
	}
}

func TestAccAuth_metadataNotProbedWhenKeysAreGiven(t *testing.T) {
	emu := startEmulator(t, emulator.Config{TemporaryKeyLifetime: time.Hour})
	t.Setenv(metadataEndpointEnv, emu.URL)
	runStep(t, resource.TestStep{
		Config:            emu.providerBlock() + simpleDataSource,
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
	if n := emu.MetadataRequests(); n != 0 {
		t.Fatalf("the metadata service was asked %d times although keys were given", n)
	}
}

// The keys live 3s and the wait takes about 7s: without a refresh, a poll
// would be signed with expired keys and refused (401, never retried).
func TestAccAuth_metadataKeysRefreshedDuringLongWait(t *testing.T) {
	emu := startEmulator(t, emulator.Config{TemporaryKeyLifetime: 3 * time.Second, ProcessingTime: 7 * time.Second})
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/long.mp4"}})
	t.Setenv(metadataEndpointEnv, emu.URL)
	runStep(t, resource.TestStep{
		Config: emu.keylessProvider("") + `
data "vod_preheating_result" "waited" {
  task_id             = "` + testTaskID + `"
  wait_for_completion = true
  poll_interval       = "300ms"
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.vod_preheating_result.waited", tfjsonpath.New("succeed"), knownvalue.Int64Exact(1)),
		},
	})
	if n := emu.MetadataRequests(); n < 3 {
		t.Fatalf("the metadata service handed out keys %d times; a 7s wait with 3s keys needs at least 3", n)
	}
}

func TestAccAuth_noSourceYieldsKeys(t *testing.T) {
	emu := startEmulator(t, emulator.Config{}) // an instance without agency: 404
	t.Run("no metadata service", func(t *testing.T) {
		runStep(t, resource.TestStep{
			Config: emu.keylessProvider(""),
			ExpectError: errorMatching("Cannot authenticate to Huawei Cloud", "no credentials found. Sources tried, in order:",
				"1) access_key and secret_key in the provider block (not set);",
				"2) the environment variables HW_ACCESS_KEY or HUAWEICLOUD_SDK_AK and HW_SECRET_KEY or HUAWEICLOUD_SDK_SK (not set);",
				"3) a Huawei Cloud CLI config file (none named);",
				"4) the ECS metadata service at http://127.0.0.1:1: no answer",
				"Set access_key and secret_key"),
		})
	})
	t.Run("instance without agency", func(t *testing.T) {
		t.Setenv(metadataEndpointEnv, emu.URL)
		runStep(t, resource.TestStep{
			Config: emu.keylessProvider(""),
			ExpectError: errorMatching("4) the ECS metadata service at "+emu.URL+": HTTP 404:",
				"Please configure Cloud Service Agency first"),
		})
	})
}

// lookupProvider configures the provider for emu without project_id, so
// that the project is looked up in the emulator's IAM.
func (e *testEmulator) lookupProvider(extra string) string {
	return fmt.Sprintf(`
provider "vod" {
  region       = "cn-north-4"
  endpoint     = %q
  iam_endpoint = %q
  access_key   = %q
  secret_key   = %q
  max_retries  = 0
%s
}
`, e.URL, e.URL, testAccessKey, testSecretKey, extra) + simpleDataSource
}

func TestAccAuth_projectByRegionName(t *testing.T) {
	emu := startEmulator(t, emulator.Config{ProjectName: "cn-north-4"})
	runStep(t, resource.TestStep{
		Config:            emu.lookupProvider(""),
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
	// Terraform configured the provider several times in this process.
	if n := emu.IAMRequests(); n != 1 {
		t.Fatalf("IAM was asked %d times, want once per provider process", n)
	}
}

func TestAccAuth_projectByName(t *testing.T) {
	emu := startEmulator(t, emulator.Config{ProjectName: "vod-prod"})
	t.Setenv("HW_PROJECT_NAME", "vod-prod")
	runStep(t, resource.TestStep{
		Config:            emu.lookupProvider(""),
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
}

func TestAccAuth_noIAMCallWithProjectID(t *testing.T) {
	emu := startEmulator(t, emulator.Config{})
	runStep(t, resource.TestStep{
		Config:            emu.lookupProvider(fmt.Sprintf("project_id = %q", testProjectID)),
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
	})
	if n := emu.IAMRequests(); n != 0 {
		t.Fatalf("IAM was asked %d times although project_id is set", n)
	}
}

func TestAccAuth_projectLookupErrors(t *testing.T) {
	t.Run("unknown name", func(t *testing.T) {
		emu := startEmulator(t, emulator.Config{ProjectName: "vod-prod"})
		runStep(t, resource.TestStep{
			Config: emu.lookupProvider(`project_name = "vod-staging"`),
			ExpectError: errorMatching(`looking up the ID of project "vod-staging" in IAM at `+emu.URL,
				"IAM knows no project of that name", "Set project_id (or HW_PROJECT_ID)"),
		})
	})
	t.Run("IAM refuses", func(t *testing.T) {
		emu := startEmulator(t, emulator.Config{IAMDenied: true})
		runStep(t, resource.TestStep{
			Config: emu.lookupProvider(""),
			ExpectError: errorMatching(`looking up the ID of project "cn-north-4"`, "IAM refused the call",
				"HTTP 403", "error_code IAM.0002", "Set project_id"),
		})
	})
	t.Run("no way to know the project", func(t *testing.T) {
		clearProviderEnv(t)
		runStep(t, resource.TestStep{
			Config: `provider "vod" {
  endpoint   = "http://127.0.0.1:1"
  access_key = "ak"
  secret_key = "sk"
}` + simpleDataSource,
			ExpectError: errorMatching("Missing project_id", "set region (or project_name) so that it is looked up in IAM"),
		})
	})
}

func TestCloudBuildsEndpoints(t *testing.T) {
	base := settings{region: "eu-west-101", accessKey: "ak", secretKey: "sk", auth: authSettings{cloud: "myhuaweicloud.eu"}}
	var diags diag.Diagnostics
	cfg := base.clientConfig(&diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if cfg.Endpoint != "https://vod.eu-west-101.myhuaweicloud.eu" || cfg.ProjectLookup.IAMEndpoint != "https://iam.eu-west-101.myhuaweicloud.eu" ||
		cfg.ProjectLookup.Name != "eu-west-101" {
		t.Fatalf("endpoint %s, IAM %s, project name %s", cfg.Endpoint, cfg.ProjectLookup.IAMEndpoint, cfg.ProjectLookup.Name)
	}
	withEndpoint := base
	withEndpoint.endpoint = "https://vod.example.internal"
	if cfg := withEndpoint.clientConfig(&diags); cfg.Endpoint != "https://vod.example.internal" {
		t.Fatalf("endpoint must override cloud, got %s", cfg.Endpoint)
	}
	defaultCloud := base
	defaultCloud.region, defaultCloud.auth.cloud, defaultCloud.projectID = "cn-north-4", DefaultCloud, "p"
	if cfg := defaultCloud.clientConfig(&diags); cfg.Endpoint != "https://vod.cn-north-4.myhuaweicloud.com" || cfg.ProjectLookup.Name != "" {
		t.Fatalf("default cloud: endpoint %s, lookup %+v", cfg.Endpoint, cfg.ProjectLookup)
	}
}

func TestAccAuth_invalidAuthSettings(t *testing.T) {
	emu := startEmulator(t, emulator.Config{})
	t.Run("signing_algorithm at plan time", func(t *testing.T) {
		runStep(t, resource.TestStep{
			Config:      emu.keylessProvider(`signing_algorithm = "HmacSHA1"`),
			ExpectError: errorMatching("signing_algorithm", `value must be one of: ["HmacSHA256" "HmacSM3" "EcdsaP256SHA256" "SM2SM3"]`),
		})
	})
	t.Run("from the environment", func(t *testing.T) {
		t.Setenv("HW_SIGNING_ALGORITHM", "sm3")
		t.Setenv("HW_CLOUD", "https://example.com/")
		t.Setenv("HW_ACCESS_KEY", testAccessKey)
		t.Setenv("HW_SECRET_KEY", testSecretKey)
		runStep(t, resource.TestStep{
			Config: emu.keylessProvider(""),
			ExpectError: errorMatching(`Invalid signing_algorithm`, `(or HW_SIGNING_ALGORITHM) is "sm3"; use one of HmacSHA256, HmacSM3, EcdsaP256SHA256, SM2SM3`,
				"Invalid cloud", `(or HW_CLOUD) is "https://example.com/"; use a domain name such as myhuaweicloud.com`),
		})
	})
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("invalid settings must stop the provider before any request; the emulator saw %d", n)
	}
}

func TestAccAuth_eachSigningAlgorithm(t *testing.T) {
	for _, name := range []string{"HmacSHA256", "HmacSM3", "EcdsaP256SHA256", "SM2SM3"} {
		t.Run(name, func(t *testing.T) {
			emu := startEmulator(t, emulator.Config{SigningAlgorithm: name})
			t.Setenv("HW_ACCESS_KEY", testAccessKey)
			t.Setenv("HW_SECRET_KEY", testSecretKey)
			runStep(t, resource.TestStep{
				Config:            emu.keylessProvider(fmt.Sprintf("signing_algorithm = %q", name)),
				ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
			})
		})
	}
	t.Run("from the environment, with a project lookup", func(t *testing.T) {
		emu := startEmulator(t, emulator.Config{SigningAlgorithm: "SM2SM3"})
		t.Setenv("HW_SIGNING_ALGORITHM", "SM2SM3")
		runStep(t, resource.TestStep{
			Config:            emu.lookupProvider(""),
			ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
		})
	})
	t.Run("another algorithm than the tenant's", func(t *testing.T) {
		emu := startEmulator(t, emulator.Config{SigningAlgorithm: "HmacSM3"})
		runStep(t, resource.TestStep{
			Config:      emu.providerBlock() + simpleDataSource,
			ExpectError: errorMatching("HTTP 401 Unauthorized", "error_code APIGW.0301"),
		})
	})
}

// Secrets from every source are fed in, and Terraform's and the provider's
// TRACE log (diagnostics included) must not show any of them.
func TestAccAuth_secretsStayOutOfLogsAndErrors(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		// Its steps skip without TF_ACC, so the log it checks stays empty.
		t.Skip("acceptance test: set TF_ACC=1")
	}
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	emu := startEmulator(t, emulator.Config{TemporaryKeyLifetime: time.Hour})
	const profileSecret, envSecret, envToken = "PROFILE-SECRET-4711", "ENV-SECRET-4711", "ENV-TOKEN-4711"

	t.Run("metadata keys", func(t *testing.T) {
		t.Setenv(metadataEndpointEnv, emu.URL)
		runStep(t, resource.TestStep{
			Config:            emu.keylessProvider(""),
			ConfigStateChecks: []statecheck.StateCheck{expectAttr("total", knownvalue.Int64Exact(1))},
		})
	})
	t.Run("wrong secret in a profile", func(t *testing.T) {
		t.Setenv("HW_SHARED_CONFIG_FILE", writeCLIConfig(t, cliConfig("dev",
			cliProfile{"name": "dev", "accessKeyId": testAccessKey, "secretAccessKey": profileSecret})))
		runStep(t, resource.TestStep{Config: emu.keylessProvider(""), ExpectError: errorMatching("HTTP 401")})
	})
	t.Run("wrong secret and a token in the environment", func(t *testing.T) {
		t.Setenv("HW_ACCESS_KEY", testAccessKey)
		t.Setenv("HW_SECRET_KEY", envSecret)
		t.Setenv("HW_SECURITY_TOKEN", envToken)
		runStep(t, resource.TestStep{Config: emu.keylessProvider(""), ExpectError: errorMatching("HTTP 401")})
	})

	logged, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, proof := range []string{"VOD API request", "HTTP 401"} {
		if !strings.Contains(string(logged), proof) {
			t.Fatalf("the log lacks %q: it did not capture what it should", proof)
		}
	}
	secrets := append([]string{profileSecret, envSecret, envToken}, emu.IssuedSecrets()...)
	if len(secrets) < 5 {
		t.Fatal("the metadata service issued no keys")
	}
	for _, secret := range secrets {
		if strings.Contains(string(logged), secret) {
			t.Fatalf("the log (%d bytes) shows a secret", len(logged))
		}
	}
}

func TestProfileWithoutFileWarns(t *testing.T) {
	clearProviderEnv(t)
	var diags diag.Diagnostics
	resolveAuthSettings(authModel{Profile: types.StringValue("dev")}, &diags)
	if diags.WarningsCount() != 1 || diags.HasError() || !strings.Contains(diags.Warnings()[0].Detail(), "HW_SHARED_CONFIG_FILE") {
		t.Fatalf("diags = %v", diags)
	}
	diags = nil
	resolveAuthSettings(authModel{Profile: types.StringValue("dev"), SharedConfigFile: types.StringValue("/f")}, &diags)
	if len(diags) != 0 {
		t.Fatalf("diags = %v", diags)
	}
}

func TestCredentialsErrorsSayNothingReachedVOD(t *testing.T) {
	for _, err := range []error{
		&vod.NoKeysError{Metadata: "http://169.254.169.254", Err: errors.New("no answer")},
		&vod.ProjectLookupError{Name: "cn-north-4", Problem: "IAM refused the call", Err: &vod.APIError{HTTPStatus: 403}},
		fmt.Errorf("wrapped: %w", &vod.KeyRefreshError{Source: "metadata", Err: errors.New("down")}),
	} {
		summary, detail := describeCreateError(err)
		if summary != credentialsErrorSummary || !strings.Contains(detail, "No request reached VOD") {
			t.Errorf("create %T: %q / %q", err, summary, detail)
		}
		if summary, _ := describeWaitError(nil, err, "t1", time.Minute, "timeouts.read"); summary != credentialsErrorSummary {
			t.Errorf("read %T: %q", err, summary)
		}
	}
}
