package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

func TestConfiguredData(t *testing.T) {
	var diags diag.Diagnostics
	if d := configuredData(nil, &diags); d.client != nil || diags.HasError() {
		t.Errorf("nil provider data: %v %v", d, diags)
	}
	if d := configuredData("not provider data", &diags); d.client != nil || !diags.HasError() {
		t.Errorf("wrong provider data: %v %v", d, diags)
	}
	client, err := vod.New(vod.Config{Endpoint: "http://127.0.0.1:1", ProjectID: "p", AccessKey: "a", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	diags = nil
	if d := configuredData(&providerData{client: client}, &diags); d.client != client || diags.HasError() {
		t.Errorf("client: %v %v", d, diags)
	}
}
