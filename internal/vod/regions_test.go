package vod

import (
	"slices"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	sdkregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1/region"
)

// TestRegionsMatchTheSDK keeps the provider's table in step with the SDK's:
// the same regions, each at the same endpoint.
func TestRegionsMatchTheSDK(t *testing.T) {
	// The SDK's lookup reads these; keep them out so only its table speaks.
	t.Setenv("HOME", t.TempDir())
	t.Setenv("HUAWEICLOUD_SDK_REGION_VOD_NOWHERE_1", "")
	_, err := sdkregion.SafeValueOf("nowhere-1")
	if err == nil {
		t.Fatal("the SDK knows region nowhere-1")
	}
	// "... supported regions of service 'VOD': [a, b, c]"
	msg := err.Error()
	list := msg[strings.LastIndex(msg, "[")+1 : strings.LastIndex(msg, "]")]
	sdkIDs := strings.Split(list, ", ")
	slices.Sort(sdkIDs)
	if !slices.Equal(sdkIDs, Regions()) {
		t.Fatalf("the SDK's regions %v differ from the provider's %v", sdkIDs, Regions())
	}
	for _, r := range []*region.Region{sdkregion.AP_SOUTHEAST_1, sdkregion.AP_SOUTHEAST_2, sdkregion.AP_SOUTHEAST_3,
		sdkregion.CN_EAST_2, sdkregion.CN_NORTH_1, sdkregion.CN_NORTH_4} {
		got, err := RegionEndpoint(r.Id, "")
		if err != nil || got != r.Endpoints[0] {
			t.Errorf("RegionEndpoint(%q) = %q, %v; the SDK says %q", r.Id, got, err, r.Endpoints[0])
		}
	}
}

// TestRegionEndpointIgnoresSDKOverrides proves the SDK's environment
// overrides and regions file have no say.
func TestRegionEndpointIgnoresSDKOverrides(t *testing.T) {
	t.Setenv("HUAWEICLOUD_SDK_REGION_VOD_CN_NORTH_4", "https://attacker.example.com")
	got, err := RegionEndpoint("cn-north-4", "")
	if err != nil || got != "https://vod.cn-north-4.myhuaweicloud.com" {
		t.Fatalf("RegionEndpoint = %q, %v", got, err)
	}
	if got, _ := RegionEndpoint("cn-north-4", "example.cloud"); got != "https://vod.cn-north-4.example.cloud" {
		t.Fatalf("with a cloud domain: %q", got)
	}
	if _, err := RegionEndpoint("mars-north-1", ""); err == nil || !strings.Contains(err.Error(), "cn-north-4") {
		t.Fatalf("unknown region: %v", err)
	}
}
