package emulator

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"sync"
	"time"
)

// MetadataSecurityKeyPath is the ECS metadata path that hands an instance
// the temporary keys of its IAM agency.
const MetadataSecurityKeyPath = "/openstack/latest/securitykey"

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
