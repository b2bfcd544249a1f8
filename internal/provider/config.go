package provider

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// setting names a provider attribute and the environment variables that
// stand in for it, in order of precedence.
type setting struct {
	attribute string
	envVars   []string
}

var (
	regionSetting         = setting{"region", []string{"HW_REGION_NAME"}}
	projectIDSetting      = setting{"project_id", []string{"HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"}}
	accessKeySetting      = setting{"access_key", []string{"HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"}}
	secretKeySetting      = setting{"secret_key", []string{"HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"}}
	securityTokenSetting  = setting{"security_token", []string{"HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"}}
	endpointSetting       = setting{"endpoint", []string{"HW_VOD_ENDPOINT"}}
	insecureSetting       = setting{"insecure", []string{"HW_INSECURE"}}
	maxRetriesSetting     = setting{"max_retries", []string{"HW_MAX_RETRIES"}}
	maxRPSSetting         = setting{"max_requests_per_second", []string{"HW_VOD_MAX_RPS"}}
	requestTimeoutSetting = setting{"request_timeout", []string{"HW_VOD_REQUEST_TIMEOUT"}}
	journalSetting        = setting{"journal", []string{"HW_VOD_JOURNAL"}}
	journalPathSetting    = setting{"journal_path", []string{"HW_VOD_JOURNAL_PATH"}}
)

func (s setting) envList() string { return strings.Join(s.envVars, " or ") }

// lookup returns the attribute's value from the configuration or, when it is
// null there, from the first environment variable that is set and not empty.
func (s setting) lookup(value attr.Value, configured func() string, diags *diag.Diagnostics) (string, bool) {
	if value.IsUnknown() {
		diags.AddAttributeError(path.Root(s.attribute), "Unknown value for "+s.attribute,
			fmt.Sprintf("The provider cannot be configured while %s depends on values known only after apply. "+
				"Set it to a value known at plan time, or leave it out and set %s.", s.attribute, s.envList()))
		return "", false
	}
	// An empty string counts as unset, in the block as in the environment:
	// access_key = var.ak with a default of "" then falls back to HW_ACCESS_KEY.
	if !value.IsNull() {
		if v := configured(); v != "" {
			return v, true
		}
	}
	for _, name := range s.envVars {
		if v := os.Getenv(name); v != "" {
			return v, true
		}
	}
	return "", false
}

// settings are the provider's inputs after the environment is applied.
type settings struct {
	region, projectID, accessKey, secretKey, securityToken, endpoint string
	insecure                                                         bool
	maxRetries                                                       int
	maxRequestsPerSecond                                             float64 // 0: no cap
	auth                                                             authSettings
	requestTimeout                                                   time.Duration
	// journalPath is where created tasks are recorded; "" when journal is off.
	journalPath string
}

func resolveSettings(c providerModel, diags *diag.Diagnostics) settings {
	var s settings
	s.region, _ = regionSetting.lookup(c.Region, c.Region.ValueString, diags)
	s.projectID, _ = projectIDSetting.lookup(c.ProjectID, c.ProjectID.ValueString, diags)
	s.accessKey, _ = accessKeySetting.lookup(c.AccessKey, c.AccessKey.ValueString, diags)
	s.secretKey, _ = secretKeySetting.lookup(c.SecretKey, c.SecretKey.ValueString, diags)
	s.securityToken, _ = securityTokenSetting.lookup(c.SecurityToken, c.SecurityToken.ValueString, diags)
	s.endpoint, _ = endpointSetting.lookup(c.Endpoint, c.Endpoint.ValueString, diags)
	s.auth = resolveAuthSettings(c.authModel, diags)

	if raw, ok := insecureSetting.lookup(c.Insecure, func() string { return strconv.FormatBool(c.Insecure.ValueBool()) }, diags); ok {
		v, err := strconv.ParseBool(raw)
		if err != nil {
			diags.AddAttributeError(path.Root("insecure"), "Invalid insecure",
				fmt.Sprintf("%s is %q; use true or false.", insecureSetting.envList(), raw))
		}
		s.insecure = v
	}

	s.maxRetries = DefaultMaxRetries
	if raw, ok := maxRetriesSetting.lookup(c.MaxRetries, func() string { return strconv.FormatInt(c.MaxRetries.ValueInt64(), 10) }, diags); ok {
		v, err := strconv.Atoi(raw)
		if err != nil || v < 0 || v > MaxMaxRetries {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("max_retries (or %s) is %q; use a whole number from 0 to %d.", maxRetriesSetting.envList(), raw, MaxMaxRetries))
		}
		s.maxRetries = v
	}

	if raw, ok := maxRPSSetting.lookup(c.MaxRequestsPerSecond, func() string { return strconv.FormatFloat(c.MaxRequestsPerSecond.ValueFloat64(), 'g', -1, 64) }, diags); ok {
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			diags.AddAttributeError(path.Root(maxRPSSetting.attribute), "Invalid max_requests_per_second",
				fmt.Sprintf("max_requests_per_second (or %s) is %q; use a number of requests per second above 0, such as 1.5, or leave it unset for the adaptive pace alone.", maxRPSSetting.envList(), raw))
		}
		s.maxRequestsPerSecond = v
	}

	s.requestTimeout = DefaultRequestTimeout
	if raw, ok := requestTimeoutSetting.lookup(c.RequestTimeout, c.RequestTimeout.ValueString, diags); ok {
		v, err := time.ParseDuration(raw)
		if err != nil || v < MinRequestTimeout {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout (or %s) is %q; use a duration such as \"60s\" or \"2m\", at least %s.",
					requestTimeoutSetting.envList(), raw, secondsText(MinRequestTimeout)))
		}
		s.requestTimeout = v
	}

	s.journalPath = resolveJournalPath(c, diags)

	if diags.HasError() {
		return s // a missing value may only be an unknown one
	}
	s.checkKeysAndProject(diags)
	return s
}

// clientConfig picks the endpoint (endpoint wins over region) and returns
// what vod.New needs.
func (s settings) clientConfig(diags *diag.Diagnostics) vod.Config {
	endpoint := s.endpoint
	if endpoint != "" {
		if _, err := vod.ParseEndpoint(endpoint); err != nil {
			diags.AddAttributeError(path.Root("endpoint"), "Invalid endpoint",
				fmt.Sprintf("endpoint (or %s): %v. Example: https://vod.cn-north-4.myhuaweicloud.com", endpointSetting.envList(), err))
		}
	} else if cloudEndpoint, ok := s.cloudEndpoint(); ok {
		endpoint = cloudEndpoint
	} else {
		endpoint = regionEndpoint(s.region, diags)
	}
	cfg := vod.Config{
		Endpoint:      endpoint,
		ProjectID:     s.projectID,
		AccessKey:     s.accessKey,
		SecretKey:     s.secretKey,
		SecurityToken: s.securityToken,
		Insecure:      s.insecure,
		MaxRetries:    s.maxRetries,

		MaxRequestsPerSecond: s.maxRequestsPerSecond,
		AttemptTimeout:       s.requestTimeout,
	}
	s.applyAuth(&cfg)
	return cfg
}

// secondsText writes a whole number of seconds the way the docs and users
// write it, "60s", where time.Duration.String would say "1m0s".
func secondsText(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

// regionEndpoint resolves a region from the provider's own table only; the
// SDK's environment and file overrides are deliberately not consulted.
func regionEndpoint(region string, diags *diag.Diagnostics) string {
	if region == "" {
		diags.AddAttributeError(path.Root("region"), "Missing region",
			fmt.Sprintf("Set region (or %s), such as cn-north-4, or set endpoint (or %s) to the full base URL of the VOD API.",
				regionSetting.envList(), endpointSetting.envList()))
		return ""
	}
	endpoint, err := vod.RegionEndpoint(region, "")
	if err != nil {
		diags.AddAttributeError(path.Root("region"), "Unknown region",
			fmt.Sprintf("%v. Use one of those, set cloud (or %s) when the region is on another Huawei Cloud domain, "+
				"or set endpoint (or %s) to the full base URL of the VOD API.", err, cloudSetting.envList(), endpointSetting.envList()))
		return ""
	}
	return endpoint
}

// logCall writes one line per HTTP exchange to Terraform's log. CallLog
// carries no headers or bodies, so no credential or signature can leak.
func logCall(ctx context.Context, call vod.CallLog) {
	fields := map[string]any{
		"method":      call.Method,
		"path":        call.Path,
		"query":       call.Query,
		"attempt":     call.Attempt,
		"status":      call.Status,
		"duration_ms": call.Duration.Milliseconds(),
		"request_id":  call.RequestID,
	}
	if call.Err != nil {
		fields["error"] = call.Err.Error()
		tflog.Warn(ctx, "VOD API request got no answer", fields)
		return
	}
	tflog.Debug(ctx, "VOD API request", fields)
}

// resolveJournalPath is journal_path, or the default in Terraform's data
// directory; "" when journal is false.
func resolveJournalPath(c providerModel, diags *diag.Diagnostics) string {
	if raw, ok := journalSetting.lookup(c.Journal, func() string { return strconv.FormatBool(c.Journal.ValueBool()) }, diags); ok {
		on, err := strconv.ParseBool(raw)
		if err != nil {
			diags.AddAttributeError(path.Root(journalSetting.attribute), "Invalid journal",
				fmt.Sprintf("%s is %q; use true or false.", journalSetting.envList(), raw))
		}
		if !on {
			return ""
		}
	}
	if p, ok := journalPathSetting.lookup(c.JournalPath, c.JournalPath.ValueString, diags); ok {
		return p
	}
	return defaultJournalPath()
}
