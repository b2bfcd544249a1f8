package emulator

import (
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// MetadataSecurityKeyPath is the ECS metadata path that hands an instance
// the temporary keys of its IAM agency.
const MetadataSecurityKeyPath = "/openstack/latest/securitykey"

// The metadata service's session tokens: PUT MetadataTokenPath with the
// lifetime in seconds in MetadataTokenTTLHeader (at most 6 hours) answers a
// token, which a keys request then carries in MetadataTokenHeader.
const (
	MetadataTokenPath      = "/meta-data/latest/api/token"  //nolint:gosec // G101: a path or header name, not a credential
	MetadataTokenHeader    = "X-Metadata-Token"             //nolint:gosec // G101: a path or header name, not a credential
	MetadataTokenTTLHeader = "X-Metadata-Token-Ttl-Seconds" //nolint:gosec // G101: a path or header name, not a credential
	maxMetadataTokenTTL    = 6 * time.Hour
)

// MetadataTokenMode is how the metadata path treats session tokens.
type MetadataTokenMode int

const (
	// MetadataTokenOptional serves tokens and checks those sent, but hands
	// out keys without one too.
	MetadataTokenOptional MetadataTokenMode = iota
	// MetadataTokenRequired refuses a keys request without a valid token
	// with 401.
	MetadataTokenRequired
	// MetadataTokenAbsent has no token endpoint (404), like an older
	// service, and ignores the token header.
	MetadataTokenAbsent
)

// metadataTimeFormat is how the metadata service writes expires_at.
const metadataTimeFormat = "2006-01-02T15:04:05.000000Z"

// ErrExpiredAccessKey is a temporary access key used after it expired.
var ErrExpiredAccessKey = errors.New("temporary access key expired")

// temporaryKey is one set of temporary credentials the emulator issued.
type temporaryKey struct {
	secretKey, securityToken string
	expiresAt                time.Time
}

// identity holds the temporary keys issued on the metadata path; the
// signature check accepts each, with its token, until it expires.
type identity struct {
	mu       sync.Mutex
	issued   map[string]temporaryKey
	served   int // metadata answers with keys
	iamCalls int // IAM project lookups answered, refused ones included
	// sessionTokens are the metadata session tokens handed out, with
	// their expiry; tokenCalls counts the token requests.
	sessionTokens map[string]time.Time
	tokenCalls    int
}

// MetadataTokenRequests is how many session tokens the metadata path was
// asked for, refused requests included.
func (s *Server) MetadataTokenRequests() int {
	s.identity.mu.Lock()
	defer s.identity.mu.Unlock()
	return s.identity.tokenCalls
}

// serveMetadataToken answers PUT /meta-data/latest/api/token.
func (s *Server) serveMetadataToken(w http.ResponseWriter, r *http.Request) {
	s.identity.mu.Lock()
	s.identity.tokenCalls++
	s.identity.mu.Unlock()
	if s.cfg.MetadataToken == MetadataTokenAbsent {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPut {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	seconds, err := strconv.Atoi(r.Header.Get(MetadataTokenTTLHeader))
	ttl := time.Duration(seconds) * time.Second
	if err != nil || ttl <= 0 || ttl > maxMetadataTokenTTL {
		http.Error(w, "the token lifetime must be 1 to 21600 seconds in "+MetadataTokenTTLHeader, http.StatusBadRequest)
		return
	}
	token := newHexID() + newHexID()
	now := s.cfg.Now()
	s.identity.mu.Lock()
	if s.identity.sessionTokens == nil {
		s.identity.sessionTokens = make(map[string]time.Time)
	}
	for old, expiry := range s.identity.sessionTokens {
		if now.After(expiry) {
			delete(s.identity.sessionTokens, old)
		}
	}
	s.identity.sessionTokens[token] = now.Add(ttl)
	s.identity.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, token)
}

// sessionTokenProblem says why a keys request's session token is refused,
// or "" when it is accepted (or none is needed).
func (s *Server) sessionTokenProblem(r *http.Request) string {
	if s.cfg.MetadataToken == MetadataTokenAbsent {
		return ""
	}
	sent := r.Header.Get(MetadataTokenHeader)
	if sent == "" {
		if s.cfg.MetadataToken == MetadataTokenRequired {
			return "a session token is required: PUT " + MetadataTokenPath + " first"
		}
		return ""
	}
	s.identity.mu.Lock()
	expiry, ok := s.identity.sessionTokens[sent]
	s.identity.mu.Unlock()
	if !ok || !s.cfg.Now().Before(expiry) {
		return "the session token is unknown or expired"
	}
	return ""
}

// credential returns the secret key and security token of accessKey: the
// tenant's own or, when the verifier knows temporary keys, one of those.
func (v Verifier) credential(accessKey string) (secretKey, securityToken string, err error) {
	if subtle.ConstantTimeCompare([]byte(accessKey), []byte(v.AccessKey)) == 1 {
		return v.SecretKey, v.SecurityToken, nil
	}
	if v.Temporary != nil {
		return v.Temporary(accessKey)
	}
	return "", "", ErrUnknownAccessKey
}

// temporary finds an issued key that has not expired.
func (s *Server) temporary(accessKey string) (string, string, error) {
	s.identity.mu.Lock()
	defer s.identity.mu.Unlock()
	key, ok := s.identity.issued[accessKey]
	switch {
	case !ok:
		return "", "", ErrUnknownAccessKey
	case !s.cfg.Now().Before(key.expiresAt):
		return "", "", ErrExpiredAccessKey
	}
	return key.secretKey, key.securityToken, nil
}

// MetadataRequests is how many times the metadata path handed out keys.
func (s *Server) MetadataRequests() int {
	s.identity.mu.Lock()
	defer s.identity.mu.Unlock()
	return s.identity.served
}

// IssuedSecrets returns the secret keys and security tokens the metadata
// path handed out (and not yet forgot), for tests that check none leaked.
func (s *Server) IssuedSecrets() []string {
	s.identity.mu.Lock()
	defer s.identity.mu.Unlock()
	var secrets []string
	for _, key := range s.identity.issued {
		secrets = append(secrets, key.secretKey, key.securityToken)
	}
	return secrets
}

// serveMetadata answers GET /openstack/latest/securitykey, as an ECS
// instance with an IAM agency sees it, with keys valid for
// Config.TemporaryKeyLifetime. Without a lifetime the instance has no
// agency, and the path answers 404 as the real service does.
func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if problem := s.sessionTokenProblem(r); problem != "" {
		http.Error(w, problem, http.StatusUnauthorized)
		return
	}
	if s.cfg.TemporaryKeyLifetime <= 0 {
		http.Error(w, "Please configure Cloud Service Agency first", http.StatusNotFound)
		return
	}
	now := s.cfg.Now()
	key := temporaryKey{secretKey: newHexID(), securityToken: newHexID() + newHexID(), expiresAt: now.Add(s.cfg.TemporaryKeyLifetime)}
	accessKey := "TMP" + newHexID()[:17]
	s.identity.mu.Lock()
	if s.identity.issued == nil {
		s.identity.issued = make(map[string]temporaryKey)
	}
	for ak, old := range s.identity.issued {
		if now.After(old.expiresAt.Add(time.Minute)) {
			delete(s.identity.issued, ak)
		}
	}
	s.identity.issued[accessKey] = key
	s.identity.served++
	s.identity.mu.Unlock()
	s.logf("metadata: issued temporary keys valid until %s", key.expiresAt.UTC().Format(time.RFC3339))

	type credential struct {
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	}
	writeJSON(w, http.StatusOK, map[string]credential{"credential": {
		Access: accessKey, Secret: key.secretKey, SecurityToken: key.securityToken,
		ExpiresAt: key.expiresAt.UTC().Format(metadataTimeFormat),
	}})
}
