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

// The metadata service can require a session token (as IMDSv2 does): PUT
// MetadataTokenPath with the token's lifetime in MetadataTokenTTLHeader,
// then send the token in MetadataTokenHeader. The SDK's metadata provider
// does the same, with the same 6-hour lifetime.
const (
	MetadataTokenPath      = "/meta-data/latest/api/token"  //nolint:gosec // G101: a path or header name, not a credential
	MetadataTokenHeader    = "X-Metadata-Token"             //nolint:gosec // G101: a path or header name, not a credential
	MetadataTokenTTLHeader = "X-Metadata-Token-Ttl-Seconds" //nolint:gosec // G101: a path or header name, not a credential
	metadataTokenTTL       = "21600"
)

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
		Expiration    string `json:"expiration"` // another name for expires_at, which the SDK accepts too
	} `json:"credential"`
}

// sessionToken asks for a metadata session token. A service without the
// token endpoint (404) needs none: the token is then "" and the keys are
// asked for without one. Any other refusal is an error, since the keys
// would be refused too.
func (m *metadataClient) sessionToken(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, m.endpoint+MetadataTokenPath, http.NoBody)
	if err != nil {
		return "", err
	}
	req.Header.Set(MetadataTokenTTLHeader, metadataTokenTTL)
	resp, err := m.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("no answer from %s: %v", MetadataTokenPath, unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return "", nil
	case err != nil:
		return "", fmt.Errorf("reading the session token: %v", err)
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("PUT %s: HTTP %d", MetadataTokenPath, resp.StatusCode)
	}
	return strings.TrimSpace(string(body)), nil
}

func (m *metadataClient) fetch(ctx context.Context) (Keys, error) {
	token, err := m.sessionToken(ctx)
	if err != nil {
		return Keys{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.endpoint+MetadataSecurityKeyPath, nil)
	if err != nil {
		return Keys{}, err
	}
	if token != "" {
		req.Header.Set(MetadataTokenHeader, token)
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
	expiry, field := c.ExpiresAt, "expires_at"
	if expiry == "" && c.Expiration != "" {
		expiry, field = c.Expiration, "expiration"
	}
	expires, err := time.Parse(time.RFC3339, expiry)
	if err != nil {
		return Keys{}, fmt.Errorf("the answer's %s %q is not an RFC 3339 time", field, expiry)
	}
	return Keys{AccessKey: c.Access, SecretKey: c.Secret, SecurityToken: c.SecurityToken, ExpiresAt: expires,
		Source: "the ECS metadata service at " + m.endpoint}, nil
}
