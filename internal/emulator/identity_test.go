package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1/model"
)

type issuedKeys struct {
	Access, Secret, SecurityToken, ExpiresAt string
}

// fetchMetadataKeys asks the emulator's metadata path for temporary keys.
func fetchMetadataKeys(t *testing.T, baseURL string) (issuedKeys, int) {
	t.Helper()
	resp, err := http.Get(baseURL + MetadataSecurityKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc struct {
		Credential struct {
			Access        string `json:"access"`
			Secret        string `json:"secret"`
			SecurityToken string `json:"securitytoken"`
			ExpiresAt     string `json:"expires_at"`
		} `json:"credential"`
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
	}
	c := doc.Credential
	return issuedKeys{c.Access, c.Secret, c.SecurityToken, c.ExpiresAt}, resp.StatusCode
}

func TestMetadataKeysWorkUntilTheyExpire(t *testing.T) {
	clock := newFakeClock()
	srv, url, logs := sdkServer(t, func(c *Config) { c.TemporaryKeyLifetime = time.Hour; c.Now = clock.Now })
	clock.t = time.Now().UTC() // the SDK signs with the real clock
	keys, status := fetchMetadataKeys(t, url)
	if status != http.StatusOK || keys.Access == "" || keys.Secret == "" || keys.SecurityToken == "" {
		t.Fatalf("metadata answered %d", status)
	}
	if want := clock.Now().Add(time.Hour).Format(metadataTimeFormat); keys.ExpiresAt != want {
		t.Fatalf("expires_at = %s, want %s", keys.ExpiresAt, want)
	}
	srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: StatusSucceed}})
	query := func(o sdkOptions) error {
		_, err := newSDKClient(t, url, o).ShowPreheatingAsset(&model.ShowPreheatingAssetRequest{TaskId: "t1"})
		return err
	}
	good := sdkOptions{ak: keys.Access, sk: keys.Secret, projectID: testPID, token: keys.SecurityToken}
	if err := query(good); err != nil {
		t.Fatalf("the SDK signing with metadata keys was refused: %v", err)
	}
	withoutToken := good
	withoutToken.token = ""
	if err := query(withoutToken); err == nil {
		t.Fatal("temporary keys without their token were accepted")
	}
	expectRejectedFor(t, logs, ErrSecurityToken.Error())

	clock.Advance(time.Hour)
	if err := query(good); err == nil {
		t.Fatal("expired keys were accepted")
	}
	expectRejectedFor(t, logs, ErrExpiredAccessKey.Error())
	if srv.MetadataRequests() != 1 {
		t.Fatalf("MetadataRequests = %d", srv.MetadataRequests())
	}
	for _, line := range logs.lines {
		if strings.Contains(line, keys.Secret) || strings.Contains(line, keys.SecurityToken) {
			t.Fatalf("the emulator logged a temporary secret: %s", line)
		}
	}
}

func TestMetadataWithoutAgency(t *testing.T) {
	_, url, _ := sdkServer(t, nil)
	if _, status := fetchMetadataKeys(t, url); status != http.StatusNotFound {
		t.Fatalf("an instance without agency answered %d, want 404", status)
	}
}

func TestMetadataSessionTokens(t *testing.T) {
	for _, tc := range []struct {
		mode               MetadataTokenMode
		tokenStatus        int
		withoutToken, with int
	}{
		{MetadataTokenRequired, http.StatusOK, http.StatusUnauthorized, http.StatusOK},
		{MetadataTokenOptional, http.StatusOK, http.StatusOK, http.StatusOK},
		{MetadataTokenAbsent, http.StatusNotFound, http.StatusOK, http.StatusOK},
	} {
		h := newHarness(t, func(c *Config) { c.TemporaryKeyLifetime = time.Hour; c.MetadataToken = tc.mode })
		put := func(ttl string) (int, string) {
			req, _ := http.NewRequest(http.MethodPut, h.url+MetadataTokenPath, nil)
			if ttl != "" {
				req.Header.Set(MetadataTokenTTLHeader, ttl)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body)
		}
		get := func(token string) int {
			req, _ := http.NewRequest(http.MethodGet, h.url+MetadataSecurityKeyPath, nil)
			if token != "" {
				req.Header.Set(MetadataTokenHeader, token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		status, token := put("21600")
		if status != tc.tokenStatus {
			t.Fatalf("mode %d: PUT token: %d, want %d", tc.mode, status, tc.tokenStatus)
		}
		if got := get(""); got != tc.withoutToken {
			t.Errorf("mode %d: keys without a token: %d, want %d", tc.mode, got, tc.withoutToken)
		}
		if tc.mode == MetadataTokenAbsent {
			continue
		}
		if got := get(token); got != tc.with {
			t.Errorf("mode %d: keys with the token: %d, want %d", tc.mode, got, tc.with)
		}
		if got := get("not-a-token"); got != http.StatusUnauthorized {
			t.Errorf("mode %d: keys with an unknown token: %d, want 401", tc.mode, got)
		}
		if status, _ := put(""); status != http.StatusBadRequest {
			t.Errorf("mode %d: PUT without a lifetime: %d, want 400", tc.mode, status)
		}
		if status, _ := put("21601"); status != http.StatusBadRequest {
			t.Errorf("mode %d: PUT over 6 hours: %d, want 400", tc.mode, status)
		}
		// The token expires on the emulator's clock.
		h.clock.Advance(6*time.Hour + time.Second)
		if got := get(token); got != http.StatusUnauthorized {
			t.Errorf("mode %d: keys with an expired token: %d, want 401", tc.mode, got)
		}
	}
}
