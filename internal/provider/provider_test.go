package provider

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const (
	testAccessKey = "AKTESTEXAMPLE"
	testSecretKey = "SKTESTEXAMPLE"
	testProjectID = "0123456789abcdef0123456789abcdef"
	testTaskID    = "5199337c31c8e4622f1590735b13a263"
)

// testAccProviders serves the provider in-process over protocol 6.
var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"vod": providerserver.NewProtocol6WithError(New("test")()),
}

// testEmulator is a VOD emulator on 127.0.0.1 for one test.
type testEmulator struct {
	*emulator.Server
	URL  string
	skew atomic.Int64 // added to the emulator's clock, see advance
}

// advance moves the emulator's clock forward, so that a test can make a
// task end between two steps without sleeping.
func (e *testEmulator) advance(d time.Duration) { e.skew.Add(int64(d)) }

func newTestEmulator(t *testing.T, processingTime time.Duration) *testEmulator {
	t.Helper()
	clearProviderEnv(t)
	e := &testEmulator{}
	// The clock can be advanced (see advance); the signature check tolerates that skew.
	e.Server = emulator.New(emulator.Config{
		AccessKey:      testAccessKey,
		SecretKey:      testSecretKey,
		ProjectID:      testProjectID,
		ProcessingTime: processingTime,
		Now:            func() time.Time { return time.Now().Add(time.Duration(e.skew.Load())) },
		MaxClockSkew:   24 * time.Hour,
	})
	srv := httptest.NewServer(e.Server)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// readConfig configures the provider for the emulator and reads testTaskID
// with the data source's other arguments.
func (e *testEmulator) readConfig(arguments string) string {
	return e.readConfigWithSecret(testSecretKey, arguments)
}

func (e *testEmulator) readConfigWithSecret(secretKey, arguments string) string {
	return e.providerBlockWithSecret(secretKey) + dataBlock(fmt.Sprintf("task_id = %q\n%s", testTaskID, arguments))
}

// dataBlock is the data source under test with the given arguments.
func dataBlock(arguments string) string {
	return "\ndata \"vod_preheating_result\" \"test\" {\n" + arguments + "\n}\n"
}

// runStep runs one acceptance test step with the provider served in-process.
func runStep(t *testing.T, step resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: []resource.TestStep{step}})
}

// providerBlock configures the provider explicitly for the emulator.
func (e *testEmulator) providerBlock() string {
	return e.providerBlockWithSecret(testSecretKey)
}

func (e *testEmulator) providerBlockWithSecret(secretKey string) string {
	return e.providerBlockWithSettings(secretKey, "")
}

// providerBlockWith adds settings to the provider block.
func (e *testEmulator) providerBlockWith(settings string) string {
	return e.providerBlockWithSettings(testSecretKey, settings)
}

func (e *testEmulator) providerBlockWithSettings(secretKey, settings string) string {
	return fmt.Sprintf(`
provider "vod" {
  endpoint    = %q
  project_id  = %q
  access_key  = %q
  secret_key  = %q
  max_retries = 2
  %s
}
`, e.URL, testProjectID, testAccessKey, secretKey, settings)
}

// clearProviderEnv keeps a developer's own credentials out of a test.
func clearProviderEnv(t *testing.T) {
	t.Helper()
	for _, s := range append([]setting{regionSetting, projectIDSetting, accessKeySetting, secretKeySetting,
		securityTokenSetting, endpointSetting, insecureSetting, maxRetriesSetting, maxRPSSetting, requestTimeoutSetting, journalSetting}, authSettingList...) {
		for _, name := range s.envVars {
			t.Setenv(name, "")
		}
	}
	// Each test has a journal of its own, out of the source tree (the
	// provider runs in the test's directory, not in Terraform's).
	t.Setenv(journalPathSetting.envVars[0], filepath.Join(t.TempDir(), journalFileName))
	// A test never probes a real metadata service: nothing listens here.
	t.Setenv(metadataEndpointEnv, "http://127.0.0.1:1")
}

// errorMatching matches an error that contains the fragments in order.
// Terraform wraps diagnostics to its terminal width, so any space in a
// fragment matches any run of whitespace, newlines included.
func errorMatching(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(f)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}
