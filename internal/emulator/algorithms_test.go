package emulator

import (
	"encoding/hex"
	"errors"
	"net/http"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	vod "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1/model"
)

// sdkClientSigningWith is an SDK client that signs with the named algorithm.
func sdkClientSigningWith(t *testing.T, endpoint, sk, name string) *vod.VodClient {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(testAK).WithSk(sk).WithProjectId(testPID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := vod.VodClientBuilder().
		WithEndpoints([]string{endpoint}).
		WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithRetries(0).WithSigningAlgorithm(algorithm.SigningAlgorithm(name))).
		SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return vod.NewVodClient(hc)
}

func TestEveryAlgorithmVerifiesWhatTheSDKSigns(t *testing.T) {
	for _, scheme := range signingSchemes {
		t.Run(scheme.name, func(t *testing.T) {
			_, url, logs := sdkServer(t, func(c *Config) { c.SigningAlgorithm = scheme.name })
			// A POST with a JSON body and a GET with a query: both payload hashes.
			createAndShow(t, sdkClientSigningWith(t, url, testSK, scheme.name))

			_, err := sdkClientSigningWith(t, url, "wrong-secret", scheme.name).CreatePreheatingAsset(sdkCreateRequest())
			expectStatus(t, err, http.StatusUnauthorized)
			expectRejectedFor(t, logs, ErrSignatureMismatch.Error())
		})
	}
}

func TestRequestSignedWithAnotherAlgorithmIsRefused(t *testing.T) {
	for _, pair := range [][2]string{{HmacSM3, HmacSHA256}, {HmacSHA256, SM2SM3}, {SM2SM3, EcdsaP256SHA256}, {EcdsaP256SHA256, HmacSM3}} {
		tenant, client := pair[0], pair[1]
		t.Run(tenant+" tenant, "+client+" request", func(t *testing.T) {
			_, url, logs := sdkServer(t, func(c *Config) { c.SigningAlgorithm = tenant })
			_, err := sdkClientSigningWith(t, url, testSK, client).CreatePreheatingAsset(sdkCreateRequest())
			expectStatus(t, err, http.StatusUnauthorized)
			expectRejectedFor(t, logs, ErrWrongAlgorithm.Error())
		})
	}
}

// The emulator derives the ECDSA and SM2 keys from the secret key as the
// SDK does: what the SDK's own signing key signs, the emulator accepts, and
// it refuses the same signature for another string or another secret key.
func TestDerivedKeysMatchTheSDK(t *testing.T) {
	sdkKeys := map[string]func(ak, sk string) (signer.ISigningKey, error){
		EcdsaP256SHA256: signer.P256SHA256Signer{}.GetSigningKey,
		SM2SM3:          signer.SM2SM3Signer{}.GetSigningKey,
	}
	for name, getKey := range sdkKeys {
		scheme, _ := schemeNamed(name)
		key, err := getKey(testAK, testSK)
		if err != nil {
			t.Fatal(err)
		}
		const sts = "SDK-X\n20240101T000000Z\nabc"
		raw, err := key.Sign([]byte(sts))
		if err != nil {
			t.Fatal(err)
		}
		sig := hex.EncodeToString(raw)
		if !scheme.verify(scheme, testAK, testSK, sts, sig) {
			t.Errorf("%s: the SDK's signature was refused", name)
		}
		if scheme.verify(scheme, testAK, testSK, sts+"x", sig) || scheme.verify(scheme, testAK, "other", sts, sig) ||
			scheme.verify(scheme, "OTHERAK", testSK, sts, sig) {
			t.Errorf("%s: a signature verified for what it does not sign", name)
		}
	}
}

func expectStatus(t *testing.T, err error, status int) {
	t.Helper()
	var sdkErr *sdkerr.ServiceResponseError
	if !errors.As(err, &sdkErr) || sdkErr.StatusCode != status {
		t.Fatalf("err = %v, want HTTP %d", err, status)
	}
}

func sdkCreateRequest() *model.CreatePreheatingAssetRequest {
	urls := []string{"https://cdn.example.com/a.mp4"}
	return &model.CreatePreheatingAssetRequest{Body: &model.CreatePreheatingAssetReq{Urls: &urls}}
}
