package emulator

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"math/big"
	"net/http"
	"slices"
	"strings"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/sm3"
)

// Signing algorithms a tenant may be set to, by the names the SDK's
// HttpConfig takes (Config.SigningAlgorithm).
const (
	HmacSHA256      = "HmacSHA256"
	HmacSM3         = "HmacSM3"
	EcdsaP256SHA256 = "EcdsaP256SHA256"
	SM2SM3          = "SM2SM3"
)

// ErrWrongAlgorithm is a request signed with another algorithm than the
// tenant's.
var ErrWrongAlgorithm = errors.New("signed with another algorithm than the tenant's")

// signingScheme is one signing algorithm: the canonical request is the same
// for all; the hash, the string to sign's first line and the signature
// differ. SM3 and SM2 come from github.com/tjfoc/gmsm, the library the SDK
// itself signs with.
type signingScheme struct {
	name          string // as in Config.SigningAlgorithm
	authName      string // first word of Authorization and of the string to sign
	contentHeader string // header that may declare UNSIGNED-PAYLOAD
	newHash       func() hash.Hash
	// verify reports whether signature (lowercase hex) is what a client
	// holding accessKey and secretKey sends for stringToSign.
	verify func(s signingScheme, accessKey, secretKey, stringToSign, signature string) bool
	curve  elliptic.Curve // for the ECDSA and SM2 schemes
}

var signingSchemes = []signingScheme{
	{name: HmacSHA256, authName: Algorithm, contentHeader: HeaderContentSHA256, newHash: sha256.New, verify: verifyHMAC},
	{name: HmacSM3, authName: "SDK-HMAC-SM3", contentHeader: headerContentSM3, newHash: sm3.New, verify: verifyHMAC},
	{name: EcdsaP256SHA256, authName: "SDK-ECDSA-P256-SHA256", contentHeader: HeaderContentSHA256, newHash: sha256.New,
		verify: verifyECDSA, curve: elliptic.P256()},
	{name: SM2SM3, authName: "SDK-SM2-SM3", contentHeader: headerContentSM3, newHash: sm3.New,
		verify: verifySM2, curve: sm2.P256Sm2()},
}

const headerContentSM3 = "X-Sdk-Content-Sm3"

// schemeNamed returns the scheme of a Config.SigningAlgorithm ("" is HmacSHA256).
func schemeNamed(name string) (signingScheme, bool) {
	if name == "" {
		name = HmacSHA256
	}
	i := slices.IndexFunc(signingSchemes, func(s signingScheme) bool { return s.name == name })
	if i < 0 {
		return signingScheme{}, false
	}
	return signingSchemes[i], true
}

// KnownSigningAlgorithm reports whether name is one of the algorithms above.
func KnownSigningAlgorithm(name string) bool {
	_, ok := schemeNamed(name)
	return ok
}

// isAuthName reports whether word starts an Authorization header of a known scheme.
func isAuthName(word string) bool {
	return slices.ContainsFunc(signingSchemes, func(s signingScheme) bool { return s.authName == word })
}

func (s signingScheme) hexHash(data []byte) string {
	h := s.newHash()
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// payloadHash is the hex hash of the body, or UNSIGNED-PAYLOAD when the
// client declared it in the scheme's signed content header.
func (s signingScheme) payloadHash(r *http.Request, signedHeaders []string, body []byte) string {
	if r.Header.Get(s.contentHeader) == UnsignedPayload && slices.Contains(signedHeaders, strings.ToLower(s.contentHeader)) {
		return UnsignedPayload
	}
	return s.hexHash(body)
}

// stringToSign is "{authName}\n{X-Sdk-Date}\n{hex(hash(canonicalRequest))}".
func (s signingScheme) stringToSign(sdkDate, canonicalRequest string) string {
	return s.authName + "\n" + sdkDate + "\n" + s.hexHash([]byte(canonicalRequest))
}

func verifyHMAC(s signingScheme, _, secretKey, stringToSign, signature string) bool {
	mac := hmac.New(s.newHash, []byte(secretKey))
	mac.Write([]byte(stringToSign))
	return hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(signature))
}

func verifyECDSA(s signingScheme, accessKey, secretKey, stringToSign, signature string) bool {
	d, ok := s.privateScalar(accessKey, secretKey)
	sig, err := hex.DecodeString(signature)
	if !ok || err != nil {
		return false
	}
	key, err := ecdsa.ParseRawPrivateKey(s.curve, d.FillBytes(make([]byte, 32)))
	if err != nil {
		return false
	}
	digest := sha256.Sum256([]byte(stringToSign))
	return ecdsa.VerifyASN1(&key.PublicKey, digest[:], sig)
}

func verifySM2(s signingScheme, accessKey, secretKey, stringToSign, signature string) bool {
	d, ok := s.privateScalar(accessKey, secretKey)
	sig, err := hex.DecodeString(signature)
	if !ok || err != nil {
		return false
	}
	public := sm2.PublicKey{Curve: s.curve}
	// crypto/ecdh has no SM2 curve, so the low-level call stays.
	public.X, public.Y = s.curve.ScalarBaseMult(d.FillBytes(make([]byte, 32))) //nolint:staticcheck // SA1019, see above
	// The default user ID, as the SDK signs with an empty one.
	return public.Verify([]byte(stringToSign), sig)
}

// privateScalar derives the signing key of an ECDSA or SM2 scheme from the
// access key pair the way the SDK does (the gateway knows the secret key,
// so it can derive the public key): the first HMAC(secretKey, 0x00000001 ||
// authName || 0x00 || accessKey || counter || 0x00000100), counter 0..255,
// that is at most n-2, plus one.
func (s signingScheme) privateScalar(accessKey, secretKey string) (*big.Int, bool) {
	nMinusTwo := new(big.Int).Sub(s.curve.Params().N, big.NewInt(2))
	var data bytes.Buffer
	for counter := 0; counter <= 0xff; counter++ {
		data.Reset()
		data.Write([]byte{0, 0, 0, 1})
		data.WriteString(s.authName)
		data.WriteByte(0)
		data.WriteString(accessKey)
		data.WriteByte(byte(counter))
		data.Write([]byte{0, 0, 1, 0})
		mac := hmac.New(s.newHash, []byte(secretKey))
		mac.Write(data.Bytes())
		candidate := new(big.Int).SetBytes(mac.Sum(nil))
		if candidate.Cmp(nMinusTwo) <= 0 {
			return candidate.Add(candidate, big.NewInt(1)), true
		}
	}
	return nil, false
}
