// Package provider holds the Terraform schemas of the VOD provider and the
// translation between Terraform values and the internal/vod client.
package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// DefaultMaxRetries matches Huawei Cloud's own provider.
const DefaultMaxRetries = 5

// DefaultRequestTimeout bounds one HTTP attempt when request_timeout is not set.
const DefaultRequestTimeout = 60 * time.Second

// MinRequestTimeout keeps a typo such as "1ms" from failing every attempt.
const MinRequestTimeout = time.Second

// MaxMaxRetries bounds max_retries: beyond it a broken API is better reported than hammered.
const MaxMaxRetries = 20

var (
	_ provider.Provider            = (*VodProvider)(nil)
	_ provider.ProviderWithActions = (*VodProvider)(nil)
)

// VodProvider is the vod provider.
type VodProvider struct {
	version string
}

// New returns a constructor of the provider, for providerserver and tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &VodProvider{version: version} }
}

type providerModel struct {
	Region        types.String `tfsdk:"region"`
	ProjectID     types.String `tfsdk:"project_id"`
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SecurityToken types.String `tfsdk:"security_token"`
	Endpoint      types.String `tfsdk:"endpoint"`
	Insecure      types.Bool   `tfsdk:"insecure"`
	MaxRetries    types.Int64  `tfsdk:"max_retries"`

	MaxRequestsPerSecond types.Float64 `tfsdk:"max_requests_per_second"`
	authModel
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
	Journal        types.Bool           `tfsdk:"journal"`
	JournalPath    types.String         `tfsdk:"journal_path"`
}

// Metadata names the provider "vod" and reports its version.
func (p *VodProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vod"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *VodProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Creates Huawei Cloud VOD CDN preheat tasks, waits for them and reads their results. " +
			"Every setting may come from the environment instead; a value in the configuration wins.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region of the VOD service, such as `cn-north-4`. Required unless `endpoint` is set and the project is known without it (`project_id`, or `project_name` with " +
					"`iam_endpoint`); without `project_id` it also names the project IAM looks up. " +
					"It picks `https://vod.{region}.{cloud}` (`cloud` defaults to `" + DefaultCloud + "`); see Regions and endpoint below. Environment: `HW_REGION_NAME`.",
			},
			"project_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "IAM project ID of that region. When not set, the ID of the project named `project_name` (default: the region's name) " +
					"is looked up in IAM, once per provider process; when set, IAM is never called. Environment: `HW_PROJECT_ID`, `HUAWEICLOUD_SDK_PROJECT_ID`.",
			},
			"access_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Access key (AK). Credentials come from the first of these that has keys: the provider block or, setting by setting, " +
					"the environment; then `shared_config_file`; then the ECS metadata service. Environment: `HW_ACCESS_KEY`, `HUAWEICLOUD_SDK_AK`.",
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Secret key (SK). Environment: `HW_SECRET_KEY`, `HUAWEICLOUD_SDK_SK`.",
			},
			"security_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Security token of temporary credentials. Environment: `HW_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Full base URL of the VOD API, such as `https://vod.example.internal`. Overrides the region's; " +
					"for private deployments and local emulators. Environment: `HW_VOD_ENDPOINT`.",
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip TLS certificate verification. Defaults to `false`. Environment: `HW_INSECURE`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a throttled (429), failed (5xx, or VOD's own system errors) or unanswered query, or an undecodable answer, is retried, "+
					"with jittered exponential backoff or the server's `Retry-After`. A 429 that states the gateway's window "+
					"(`limit:10,time:1 minute`) is retried when that window frees, and a throttled create until the create timeout, "+
					"without counting here; a create is also retried when its connection was never made. 0 retries no single request, creates included; "+
					"a wait's polls still go on until its deadline. "+
					"Other errors are never retried: a 401 above all, a host not found, an HTTPS endpoint answered in plain HTTP. "+
					"From 0 to %d; defaults to %d. ", MaxMaxRetries, DefaultMaxRetries) + "Environment: `HW_MAX_RETRIES`.",
				Validators: []validator.Int64{int64validator.Between(0, MaxMaxRetries)},
			},
			"max_requests_per_second": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Most requests per second one provider configuration sends, all its reads, waits and creates together " +
					"(each provider block, aliases included, has its own cap: give each its share of the tenant's quota). " +
					"Unset, creates and queries are paced apart, each to the limit the gateway states in its 429 answers " +
					"(`limit:N,time:1 minute`), or, when it states none, adaptively: slower on a 429, faster again without. " +
					"Set it a little under the tenant's quota, such as `1.5` for Huawei's 100 queries a minute, to avoid query 429s altogether (creates keep their own, lower, pace). " +
					"A number above 0. Environment: `HW_VOD_MAX_RPS`.",
			},
			"request_timeout": schema.StringAttribute{
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				MarkdownDescription: fmt.Sprintf("Bound on one HTTP attempt, as a duration such as `\"90s\"` or `\"2m\"`; an attempt that gets no full answer "+
					"in time is retried like a 5xx. It bounds one attempt, not a wait: waits are bounded by "+
					"`timeouts.read` (data source), `timeouts.create` (resource) and `timeout` (action). At least `%s`; defaults to `%s`. ",
					secondsText(MinRequestTimeout), secondsText(DefaultRequestTimeout)) +
					"Environment: `HW_VOD_REQUEST_TIMEOUT`.",
			},
			"journal": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Record each preheat task of `vod_preheating_task` and `vod_preheating_batch` the moment it is created, in a small " +
					"file in the working directory (`journal_path`), until Terraform has it in state. A run killed before Terraform saves its " +
					"state (kill -9, an OOM kill, a recycled CI runner) then does not preheat twice: the next create of the same preheat, " +
					"in the same working directory, adopts those tasks and waits for them. Defaults to `true`. Environment: `HW_VOD_JOURNAL`.",
			},
			"journal_path": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "File of the journal. Defaults to `" + journalFileName + "` in Terraform's data directory " +
					"(`.terraform`, or `TF_DATA_DIR`) of the working directory. Point it to a persistent volume when the working " +
					"directory does not outlive a runner. Environment: `HW_VOD_JOURNAL_PATH`.",
			},
			"shared_config_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path of a Huawei Cloud CLI (KooCLI) config file, such as `~/.hcloud/config.json`, to take keys from " +
					"when neither the provider block nor the environment has them. Read only when set; its keys must be stored unencrypted. " +
					"Environment: `HW_SHARED_CONFIG_FILE`.",
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Profile of `shared_config_file` to use; defaults to the file's current profile. Environment: `HW_PROFILE`.",
			},
			"project_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Name of the IAM project whose ID is looked up when `project_id` is not set; defaults to the region's name " +
					"(a region's default project is named after it). Environment: `HW_PROJECT_NAME`.",
			},
			"iam_endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of IAM for the project lookup; defaults to `https://iam.{region}.{cloud}`. " +
					"Not used when `project_id` is set. Environment: `HW_IAM_ENDPOINT`.",
			},
			"signing_algorithm": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Algorithm that signs requests: `" + strings.Join(vod.SigningAlgorithms, "`, `") +
					"`; defaults to `HmacSHA256`. Use the one your account requires. Environment: `HW_SIGNING_ALGORITHM`.",
				Validators: []validator.String{stringvalidator.OneOf(vod.SigningAlgorithms...)},
			},
			"cloud": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Domain of the Huawei Cloud the region belongs to; endpoints are `https://vod.{region}.{cloud}` and " +
					"`https://iam.{region}.{cloud}`. Defaults to `" + DefaultCloud + "`; `endpoint` overrides it for the VOD API, while the IAM lookup of `project_id` still uses it. Environment: `HW_CLOUD`.",
				Validators: []validator.String{stringvalidator.RegexMatches(cloudPattern, "must be a domain name such as "+DefaultCloud)},
			},
		},
	}
}

// Configure resolves the settings (configuration, then environment), builds
// the client, and hands every data source, resource and action the same
// providerData. Its only I/O is reading shared_config_file, when one is
// named, so that a bad file fails here; no request is sent (IAM and the
// metadata service are asked on first use).
func (p *VodProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings := resolveSettings(config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	clientConfig := settings.clientConfig(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	clientConfig.UserAgent = fmt.Sprintf("terraform-provider-vod/%s terraform/%s", p.version, req.TerraformVersion)
	clientConfig.Logger = logCall
	client, err := vod.New(clientConfig)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the vod provider", err.Error())
		return
	}
	data := &providerData{client: client, scope: newTaskScope(clientConfig, settings.region)}
	if settings.journalPath != "" {
		data.journal = &journal{path: settings.journalPath}
	}
	resp.DataSourceData, resp.ResourceData, resp.ActionData = data, data, data
}

// Actions are available to Terraform 1.14 and newer.
func (p *VodProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewPreheatAction, NewRefreshAction}
}

// DataSources lists the data sources.
func (p *VodProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewPreheatingResultDataSource, NewRefreshResultDataSource}
}

// Resources lists the resources.
func (p *VodProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewPreheatingTaskResource, NewPreheatingBatchResource}
}
