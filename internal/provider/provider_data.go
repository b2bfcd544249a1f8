package provider

// What the provider's Configure hands every data source, resource and
// action: one type, unpacked once in each entry point's Configure.

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// providerData is the configured provider: the client, where its requests
// go, and the journal of created tasks.
type providerData struct {
	client *vod.Client
	// scope is where the provider sends its requests (preheat_scope.go).
	scope taskScope
	// journal records each task as it is created; nil when turned off.
	journal *journal
}

// configuredData is what an entry point's Configure keeps: the provider's
// data, or a zero providerData while Terraform validates (ProviderData is
// nil before the provider is configured). Any other type is a bug in the
// provider, reported as such.
func configuredData(raw any, diags *diag.Diagnostics) providerData {
	if raw == nil {
		return providerData{}
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Configure Type",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return providerData{}
	}
	return *data
}
