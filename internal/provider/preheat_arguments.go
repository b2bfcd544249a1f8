package provider

// The arguments that create a preheat, shared by the vod_preheating_task
// resource and the vod_preheat action: their documentation and validation.

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

const assetIDDoc = "ID of a published VOD asset whose playback URLs to preheat. At least one of `asset_id` and `urls` is required."

var urlsDoc = fmt.Sprintf("The CDN URLs to preheat: 1 to %d absolute `http://` or `https://` URLs, without duplicates. "+
	"At least one of `asset_id` and `urls` is required.", vod.MaxURLsPerTask)

func assetIDValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.RegexMatches(noSpaceRegexp, "must not contain whitespace")}
}

func urlsValidators() []validator.List {
	return []validator.List{
		listvalidator.SizeBetween(1, vod.MaxURLsPerTask),
		listvalidator.UniqueValues(),
		listvalidator.ValueStringsAre(preheatURLValidator{}),
	}
}

// clientFrom is the client the provider configured, for every Configure.
// ProviderData is nil while Terraform validates, before the provider is configured.
func clientFrom(providerData any, diags *diag.Diagnostics) *vod.Client {
	if providerData == nil {
		return nil
	}
	client, ok := providerData.(*vod.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *vod.Client, got %T. This is a bug in the provider; please report it.", providerData))
	}
	return client
}

// clientConfigured reports an error when Terraform calls before Configure
// (which would be a bug in the provider) and whether the client is there.
func clientConfigured(client *vod.Client, diags *diag.Diagnostics) bool {
	if client == nil {
		diags.AddError("The vod provider is not configured",
			"A read, create or invoke came before the provider was configured. This is a bug in the provider; please report it.")
	}
	return client != nil
}
