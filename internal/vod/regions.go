package vod

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultCloud is the domain of Huawei Cloud's public regions.
const DefaultCloud = "myhuaweicloud.com"

// regions are the regions where VOD is offered, as in the official SDK's
// table (a test keeps the two in step). The provider resolves regions only
// from here: the SDK's own lookup also honours HUAWEICLOUD_SDK_REGION_VOD_*
// variables and ~/.huaweicloud/regions.yaml, which would send signed
// requests to a host the configuration does not name.
var regions = []string{
	"ap-southeast-1",
	"ap-southeast-2",
	"ap-southeast-3",
	"cn-east-2",
	"cn-north-1",
	"cn-north-4",
}

// Regions returns the known regions, sorted.
func Regions() []string { return slices.Clone(regions) }

// RegionEndpoint returns https://vod.{region}.{cloud} for a known region;
// an empty cloud means DefaultCloud.
func RegionEndpoint(region, cloud string) (string, error) {
	if !slices.Contains(regions, region) {
		return "", fmt.Errorf("region %q is not one where VOD is offered: %s", region, strings.Join(regions, ", "))
	}
	if cloud == "" {
		cloud = DefaultCloud
	}
	return "https://vod." + region + "." + cloud, nil
}
