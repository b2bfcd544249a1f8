package vod

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultMetadataEndpoint is the ECS metadata service. The SDK's own
// metadata provider reads the same path but cannot be pointed elsewhere, so
// the client fetches it itself.
const DefaultMetadataEndpoint = "http://169.254.169.254"

// MetadataSecurityKeyPath serves an ECS instance's temporary keys (those of
// its IAM agency).
const MetadataSecurityKeyPath = "/openstack/latest/securitykey"

// DefaultMetadataTimeout bounds one metadata request: the service answers in
// milliseconds on ECS, and a laptop without it should fail fast.
const DefaultMetadataTimeout = 2 * time.Second

// metadataClient fetches temporary keys from the metadata service. Neither
// the keys nor the answer's body ever reach a log or an error.
type metadataClient struct {
	endpoint string
	http     *http.Client
}

func newMetadataClient(endpoint string, timeout time.Duration) *metadataClient {
	if endpoint == "" {
		endpoint = DefaultMetadataEndpoint
	}
	setDefault(&timeout, DefaultMetadataTimeout)
	return &metadataClient{
		endpoint: strings.TrimRight(endpoint, "/"),
		// A link-local service is never reached through a proxy.
		http: &http.Client{Timeout: timeout, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}},
	}
}

// metadataAnswer is the security key document, in the shape the SDK's
// metadata provider reads.
type metadataAnswer struct {
	Credential struct {
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	} `json:"credential"`
}

func (m *metadataClient) fetch(ctx context.Context) (Keys, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.endpoint+MetadataSecurityKeyPath, nil)
	if err != nil {
		return Keys{}, err
	}
	resp, err := m.http.Do(req)
	if err != nil {
		return Keys{}, fmt.Errorf("no answer: %v", unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return Keys{}, fmt.Errorf("reading the answer: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		// An error body holds no keys; it says, for one, that the instance has no agency.
		if msg := readableMessage(string(body)); msg != "" {
			return Keys{}, fmt.Errorf("HTTP %d: %s", resp.StatusCode, msg)
		}
		return Keys{}, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var answer metadataAnswer
	if err := json.Unmarshal(body, &answer); err != nil {
		return Keys{}, fmt.Errorf("the answer is not a security key document (%d bytes of JSON that did not parse)", len(body))
	}
	c := answer.Credential
	if c.Access == "" || c.Secret == "" || c.SecurityToken == "" {
		return Keys{}, fmt.Errorf("the answer lacks access, secret or securitytoken")
	}
	expires, err := time.Parse(time.RFC3339, c.ExpiresAt)
	if err != nil {
		return Keys{}, fmt.Errorf("the answer's expires_at %q is not an RFC 3339 time", c.ExpiresAt)
	}
	return Keys{AccessKey: c.Access, SecretKey: c.Secret, SecurityToken: c.SecurityToken, ExpiresAt: expires,
		Source: "the ECS metadata service at " + m.endpoint}, nil
}
