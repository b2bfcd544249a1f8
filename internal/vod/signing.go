package vod

import (
	"fmt"
	"slices"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
)

// SigningAlgorithms are the request signing algorithms the SDK offers, by
// the SDK's names; the first is the default.
var SigningAlgorithms = []string{
	algorithm.HmacSHA256,
	algorithm.HmacSM3,
	algorithm.EcdsaP256SHA256,
	algorithm.SM2SM3,
}

// checkSigningAlgorithm returns the algorithm to use: name, or the default
// when name is empty.
func checkSigningAlgorithm(name string) (string, error) {
	if name == "" {
		return SigningAlgorithms[0], nil
	}
	if !slices.Contains(SigningAlgorithms, name) {
		return "", fmt.Errorf("unknown signing algorithm %q; use one of %s", name, strings.Join(SigningAlgorithms, ", "))
	}
	return name, nil
}

// httpConfig is the SDK's configuration for one attempt: rt carries the
// attempt's context and records what came back, and the SDK signs with the
// configured algorithm.
func (c *Client) httpConfig(rt *attemptTransport) *config.HttpConfig {
	return config.DefaultHttpConfig().
		WithHttpRoundTripper(rt).
		WithTimeout(0). // the attempt's context bounds it instead
		WithUserAgent(c.cfg.UserAgent).
		WithSigningAlgorithm(algorithm.SigningAlgorithm(c.cfg.SigningAlgorithm))
}
