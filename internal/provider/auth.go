package provider

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// DefaultCloud is the domain of Huawei Cloud's public regions, those of the
// client's region table.
const DefaultCloud = vod.DefaultCloud

// credentialsErrorSummary heads an error from finding keys or the project.
const credentialsErrorSummary = "Cannot authenticate to Huawei Cloud"

// metadataEndpointEnv points the ECS metadata source elsewhere (tests, the
// emulator); it has no attribute, as nobody configures it in HCL.
const metadataEndpointEnv = "HW_METADATA_ENDPOINT"

var (
	sharedConfigFileSetting = setting{"shared_config_file", []string{"HW_SHARED_CONFIG_FILE"}}
	profileSetting          = setting{"profile", []string{"HW_PROFILE"}}
	projectNameSetting      = setting{"project_name", []string{"HW_PROJECT_NAME"}}
	iamEndpointSetting      = setting{"iam_endpoint", []string{"HW_IAM_ENDPOINT"}}
	signingAlgorithmSetting = setting{"signing_algorithm", []string{"HW_SIGNING_ALGORITHM"}}
	cloudSetting            = setting{"cloud", []string{"HW_CLOUD"}}
)

// authSettingList is every authentication-related setting, for tests that
// clear a developer's environment.
var authSettingList = []setting{sharedConfigFileSetting, profileSetting, projectNameSetting,
	iamEndpointSetting, signingAlgorithmSetting, cloudSetting}

// authModel holds the provider attributes that choose credentials, the
// project and the signing algorithm.
type authModel struct {
	SharedConfigFile types.String `tfsdk:"shared_config_file"`
	Profile          types.String `tfsdk:"profile"`
	ProjectName      types.String `tfsdk:"project_name"`
	IAMEndpoint      types.String `tfsdk:"iam_endpoint"`
	SigningAlgorithm types.String `tfsdk:"signing_algorithm"`
	Cloud            types.String `tfsdk:"cloud"`
}

var cloudPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

// authSettings are the authentication inputs after the environment is applied.
type authSettings struct {
	sharedConfigFile, profile, projectName, iamEndpoint, signingAlgorithm, cloud string
	metadataEndpoint                                                             string
}

func resolveAuthSettings(c authModel, diags *diag.Diagnostics) authSettings {
	var a authSettings
	a.sharedConfigFile, _ = sharedConfigFileSetting.lookup(c.SharedConfigFile, c.SharedConfigFile.ValueString, diags)
	a.profile, _ = profileSetting.lookup(c.Profile, c.Profile.ValueString, diags)
	a.projectName, _ = projectNameSetting.lookup(c.ProjectName, c.ProjectName.ValueString, diags)
	a.iamEndpoint, _ = iamEndpointSetting.lookup(c.IAMEndpoint, c.IAMEndpoint.ValueString, diags)
	a.signingAlgorithm, _ = signingAlgorithmSetting.lookup(c.SigningAlgorithm, c.SigningAlgorithm.ValueString, diags)
	a.cloud, _ = cloudSetting.lookup(c.Cloud, c.Cloud.ValueString, diags)
	a.metadataEndpoint = os.Getenv(metadataEndpointEnv)

	if a.profile != "" && a.sharedConfigFile == "" {
		diags.AddAttributeWarning(path.Root("profile"), "profile without shared_config_file",
			fmt.Sprintf("profile (or %s) is set but no config file is named: set shared_config_file (or %s), or the profile is ignored.",
				profileSetting.envList(), sharedConfigFileSetting.envList()))
	}
	// The schema validates configured values; these checks catch the environment's.
	if a.signingAlgorithm != "" && !slices.Contains(vod.SigningAlgorithms, a.signingAlgorithm) {
		diags.AddAttributeError(path.Root("signing_algorithm"), "Invalid signing_algorithm",
			fmt.Sprintf("signing_algorithm (or %s) is %q; use one of %s.", signingAlgorithmSetting.envList(), a.signingAlgorithm,
				strings.Join(vod.SigningAlgorithms, ", ")))
	}
	if a.cloud == "" {
		a.cloud = DefaultCloud
	} else if !cloudPattern.MatchString(a.cloud) {
		diags.AddAttributeError(path.Root("cloud"), "Invalid cloud",
			fmt.Sprintf("cloud (or %s) is %q; use a domain name such as %s.", cloudSetting.envList(), a.cloud, DefaultCloud))
	}
	for _, endpoint := range []struct {
		value string
		setting
	}{{a.iamEndpoint, iamEndpointSetting}, {a.metadataEndpoint, setting{metadataEndpointEnv, nil}}} {
		if endpoint.value == "" {
			continue
		}
		if _, err := vod.ParseEndpoint(endpoint.value); err != nil {
			diags.AddAttributeError(path.Root(endpoint.attribute), "Invalid "+endpoint.attribute, err.Error())
		}
	}
	return a
}

// checkKeysAndProject reports what is missing before any request: a key
// without its pair, or no way to know the project.
func (s settings) checkKeysAndProject(diags *diag.Diagnostics) {
	for _, pair := range []struct {
		have, missing, what string
		setting
	}{{s.accessKey, s.secretKey, "The access key needs its secret key", secretKeySetting},
		{s.secretKey, s.accessKey, "The secret key needs its access key", accessKeySetting}} {
		if pair.have != "" && pair.missing == "" {
			diags.AddAttributeError(path.Root(pair.attribute), "Missing "+pair.attribute,
				fmt.Sprintf("%s: set %s in the provider block or %s; or leave both keys out to use "+
					"shared_config_file or the ECS metadata service.", pair.what, pair.attribute, pair.envList()))
		}
	}
	if s.projectID == "" && s.auth.projectName == "" && s.region == "" {
		diags.AddAttributeError(path.Root("project_id"), "Missing project_id",
			fmt.Sprintf("The vod provider needs the IAM project ID of the region: set project_id in the provider block or %s, "+
				"or set region (or project_name) so that it is looked up in IAM.", projectIDSetting.envList()))
	}
	if s.projectID == "" && s.region == "" && s.auth.projectName != "" && s.auth.iamEndpoint == "" {
		diags.AddAttributeError(path.Root("iam_endpoint"), "Missing iam_endpoint",
			fmt.Sprintf("Without region, looking up project_name needs iam_endpoint (or %s); or set project_id (or %s).",
				iamEndpointSetting.envList(), projectIDSetting.envList()))
	}
}

// applyAuth puts the key chain, the project lookup and the signing
// algorithm into the client's configuration.
func (s settings) applyAuth(cfg *vod.Config) {
	cfg.KeyChain = vod.KeyChain{
		CheckedSources: []string{
			"access_key and secret_key in the provider block (not set)",
			fmt.Sprintf("the environment variables %s and %s (not set)", accessKeySetting.envList(), secretKeySetting.envList()),
		},
		SharedConfigFile: s.auth.sharedConfigFile,
		Profile:          s.auth.profile,
		MetadataEndpoint: s.auth.metadataEndpoint,
	}
	cfg.SigningAlgorithm = s.auth.signingAlgorithm
	if s.projectID != "" {
		return // no IAM call at all
	}
	name := s.auth.projectName
	if name == "" {
		name = s.region
	}
	iam := s.auth.iamEndpoint
	if iam == "" && s.region != "" {
		iam = fmt.Sprintf("https://iam.%s.%s", s.region, s.auth.cloud)
	}
	cfg.ProjectLookup = vod.ProjectLookup{Name: name, IAMEndpoint: iam}
}

// cloudEndpoint is the VOD endpoint of region in a cloud other than the
// default one. The region table lists the public cloud's regions; other
// clouds have their own, so any region name goes there.
func (s settings) cloudEndpoint() (string, bool) {
	if s.auth.cloud == DefaultCloud || s.region == "" {
		return "", false
	}
	return fmt.Sprintf("https://vod.%s.%s", s.region, s.auth.cloud), true
}
