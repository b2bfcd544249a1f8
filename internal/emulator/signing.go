package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Names and formats of the SDK-HMAC-SHA256 scheme, as the API Gateway expects them.
const (
	Algorithm           = "SDK-HMAC-SHA256"
	SDKDateFormat       = "20060102T150405Z"
	HeaderSDKDate       = "X-Sdk-Date"
	HeaderProjectID     = "X-Project-Id"
	HeaderSecurityToken = "X-Security-Token"
	HeaderContentSHA256 = "X-Sdk-Content-Sha256"
	UnsignedPayload     = "UNSIGNED-PAYLOAD"
)

// Reasons a request fails verification. The server answers all of them with the
// same 401 so a caller cannot probe which check failed; the reason is only logged.
var (
	ErrMissingAuthorization = errors.New("authorization header missing")
	ErrMalformedAuth        = errors.New("authorization header malformed")
	ErrUnknownAccessKey     = errors.New("unknown access key")
	ErrDateNotSigned        = errors.New("x-sdk-date is not a signed header")
	ErrBadDate              = errors.New("x-sdk-date missing or not in 20060102T150405Z format")
	ErrClockSkew            = errors.New("x-sdk-date too far from server clock")
	ErrSignedHeaderMissing  = errors.New("a signed header is absent from the request")
	ErrBadQuery             = errors.New("query string cannot be parsed")
	ErrSignatureMismatch    = errors.New("signature mismatch")
	ErrSecurityToken        = errors.New("security token missing, unsigned or wrong")
	ErrProjectIDNotSigned   = errors.New("x-project-id is sent but not signed")
	ErrAccessKeyLocked      = errors.New("access key locked after repeated signature failures")
)

// AuthHeader is the parsed Authorization header.
type AuthHeader struct {
	Algorithm     string // first word, such as SDK-HMAC-SHA256
	AccessKey     string
	SignedHeaders []string // lowercase, in the order the client listed them
	Signature     string   // lowercase hex
}

// ParseAuthorization parses
// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex", or the same
// with another algorithm of algorithms.go as the first word.
func ParseAuthorization(value string) (AuthHeader, error) {
	var h AuthHeader
	algorithm, rest, ok := strings.Cut(strings.TrimSpace(value), " ")
	if !ok || !isAuthName(algorithm) {
		return h, ErrMalformedAuth
	}
	h.Algorithm = algorithm
	var haveSigned bool
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return h, ErrMalformedAuth
		}
		switch k {
		case "Access":
			h.AccessKey = v
		case "SignedHeaders":
			haveSigned = true
			for _, name := range strings.Split(v, ";") {
				if name == "" || name != strings.ToLower(name) {
					return h, ErrMalformedAuth
				}
				h.SignedHeaders = append(h.SignedHeaders, name)
			}
		case "Signature":
			h.Signature = v
		default:
			return h, ErrMalformedAuth
		}
	}
	if h.AccessKey == "" || !haveSigned || h.Signature == "" {
		return h, ErrMalformedAuth
	}
	return h, nil
}

// shouldEscape reports whether c is outside the unreserved set A-Za-z0-9_-~.
func shouldEscape(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return false
	case c == '_' || c == '-' || c == '~' || c == '.':
		return false
	}
	return true
}

// Escape percent-encodes every byte outside A-Za-z0-9_-~. with uppercase hex
// (so a space becomes %20, never '+').
func Escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if shouldEscape(c) {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// CanonicalURI turns a request path as sent on the wire (escaped form) into the
// canonical URI: each segment decoded then re-escaped, always ending in '/'.
// Splitting the escaped form first keeps an encoded %2F inside its segment.
func CanonicalURI(escapedPath string) string {
	segments := strings.Split(escapedPath, "/")
	for i, seg := range segments {
		if dec, err := url.PathUnescape(seg); err == nil {
			seg = dec
		}
		segments[i] = Escape(seg)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// CanonicalQuery sorts keys, sorts values per key and escapes both.
func CanonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		values := append([]string(nil), q[k]...)
		sort.Strings(values)
		for _, v := range values {
			parts = append(parts, Escape(k)+"="+Escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// headerValues returns a request header's values as the client sent them.
// Go's server moves Host to r.Host and may drop Content-Length into
// r.ContentLength, so those are recovered from there.
func headerValues(r *http.Request, lowerName string) []string {
	if values := r.Header.Values(lowerName); len(values) > 0 {
		return values
	}
	switch lowerName {
	case "host":
		if r.Host != "" {
			return []string{r.Host}
		}
		if r.URL != nil && r.URL.Host != "" {
			return []string{r.URL.Host}
		}
	case "content-length":
		if r.ContentLength >= 0 && r.Body != nil && r.Body != http.NoBody {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	}
	return nil
}

// CanonicalHeaders renders "name:trimmed value\n" for each signed header
// (multiple values of one header sorted, as the SDK does).
func CanonicalHeaders(r *http.Request, signedHeaders []string) (string, error) {
	var b strings.Builder
	for _, name := range signedHeaders {
		values := headerValues(r, name)
		if len(values) == 0 {
			return "", fmt.Errorf("%w: %s", ErrSignedHeaderMissing, name)
		}
		values = append([]string(nil), values...)
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

// PayloadHash is hex(sha256(body)), or the literal UNSIGNED-PAYLOAD when the
// client declared it in a signed X-Sdk-Content-Sha256 header. Requiring the
// header to be signed stops a man in the middle from swapping the body.
func PayloadHash(r *http.Request, signedHeaders []string, body []byte) string {
	if r.Header.Get(HeaderContentSHA256) == UnsignedPayload && slices.Contains(signedHeaders, "x-sdk-content-sha256") {
		return UnsignedPayload
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// CanonicalRequest builds
// METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH for r, whose body
// has already been read into body.
func CanonicalRequest(r *http.Request, signedHeaders []string, body []byte) (string, error) {
	return canonicalRequest(r, signedHeaders, PayloadHash(r, signedHeaders, body))
}

func canonicalRequest(r *http.Request, signedHeaders []string, payloadHash string) (string, error) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", ErrBadQuery
	}
	headers, err := CanonicalHeaders(r, signedHeaders)
	if err != nil {
		return "", err
	}
	return strings.Join([]string{
		r.Method,
		CanonicalURI(r.URL.EscapedPath()),
		CanonicalQuery(query),
		headers,
		strings.Join(signedHeaders, ";"),
		payloadHash,
	}, "\n"), nil
}

// StringToSign is "SDK-HMAC-SHA256\n{X-Sdk-Date}\n{hex(sha256(canonicalRequest))}".
func StringToSign(sdkDate, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(sum[:])
}

// Sign returns hex(HMAC-SHA256(secretKey, stringToSign)).
func Sign(secretKey, stringToSign string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// Verifier checks SDK-HMAC-SHA256 signatures for one credential pair.
type Verifier struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string // when set, a signed, equal X-Security-Token is required
	MaxClockSkew  time.Duration
	Now           func() time.Time
	// Algorithm is the tenant's signing algorithm (algorithms.go); a
	// request signed with another is refused. Empty means HmacSHA256.
	Algorithm string
	// Temporary, when set, finds the secret key and security token of an
	// access key the emulator issued (see identity.go).
	Temporary func(accessKey string) (secretKey, securityToken string, err error)
}

// Verify checks r (whose body was already read into body) and returns nil or
// one of the Err* reasons above (possibly wrapped).
func (v Verifier) Verify(r *http.Request, body []byte) error {
	raw := r.Header.Get("Authorization")
	if raw == "" {
		return ErrMissingAuthorization
	}
	auth, err := ParseAuthorization(raw)
	if err != nil {
		return err
	}
	scheme, ok := schemeNamed(v.Algorithm)
	if !ok || auth.Algorithm != scheme.authName {
		return fmt.Errorf("%w: %s", ErrWrongAlgorithm, auth.Algorithm)
	}
	secretKey, securityToken, err := v.credential(auth.AccessKey)
	if err != nil {
		return err
	}
	if !slices.Contains(auth.SignedHeaders, "x-sdk-date") {
		return ErrDateNotSigned
	}
	date := r.Header.Get(HeaderSDKDate)
	signedAt, err := time.Parse(SDKDateFormat, date)
	if err != nil {
		return ErrBadDate
	}
	if skew := v.now().Sub(signedAt); skew > v.MaxClockSkew || -skew > v.MaxClockSkew {
		return ErrClockSkew
	}
	if err := checkSecurityToken(r, auth.SignedHeaders, securityToken); err != nil {
		return err
	}
	// A project id the signature does not cover could be swapped in transit.
	if r.Header.Get(HeaderProjectID) != "" && !slices.Contains(auth.SignedHeaders, "x-project-id") {
		return ErrProjectIDNotSigned
	}
	canonical, err := canonicalRequest(r, auth.SignedHeaders, scheme.payloadHash(r, auth.SignedHeaders, body))
	if err != nil {
		return err
	}
	// Only what the SDK writes, lowercase hex, is accepted.
	if auth.Signature != strings.ToLower(auth.Signature) ||
		!scheme.verify(scheme, auth.AccessKey, secretKey, scheme.stringToSign(date, canonical), auth.Signature) {
		return ErrSignatureMismatch
	}
	return nil
}

// Lockout thresholds, as Huawei's API Gateway documents them.
const (
	maxSignatureFailures = 5
	LockoutDuration      = 5 * time.Minute
)

// lockout counts consecutive signature failures of the emulator's access key.
type lockout struct {
	failures    int
	lockedUntil time.Time
}

// authenticate verifies r and applies the access key lockout: more than
// maxSignatureFailures failures in a row lock the key for LockoutDuration.
// Requests naming another access key do not touch the count.
func (s *Server) authenticate(r *http.Request, body []byte) error {
	ours := false
	if auth, err := ParseAuthorization(r.Header.Get("Authorization")); err == nil {
		ours = subtle.ConstantTimeCompare([]byte(auth.AccessKey), []byte(s.cfg.AccessKey)) == 1
	}
	now := s.now()
	s.mu.Lock()
	locked := ours && now.Before(s.lock.lockedUntil)
	s.mu.Unlock()
	if locked {
		return ErrAccessKeyLocked
	}
	err := s.verifier.Verify(r, body)
	if !ours {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.lock.failures = 0
		return nil
	}
	if s.lock.failures++; s.lock.failures > maxSignatureFailures {
		s.lock.failures, s.lock.lockedUntil = 0, now.Add(LockoutDuration)
	}
	return err
}

// checkSecurityToken enforces temporary-credential rules: a configured token
// must be sent and signed; a token sent to permanent credentials is refused too.
func checkSecurityToken(r *http.Request, signedHeaders []string, securityToken string) error {
	sent := r.Header.Get(HeaderSecurityToken)
	if securityToken == "" {
		if sent != "" {
			return ErrSecurityToken
		}
		return nil
	}
	if !slices.Contains(signedHeaders, "x-security-token") ||
		subtle.ConstantTimeCompare([]byte(sent), []byte(securityToken)) != 1 {
		return ErrSecurityToken
	}
	return nil
}

func (v Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}
