package vod

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func metadataServer(t *testing.T, status int, body string, delay time.Duration) *metadataClient {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != MetadataSecurityKeyPath {
			http.NotFound(w, r)
			return
		}
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return newMetadataClient(srv.URL+"/", 200*time.Millisecond)
}

func TestMetadataFetchReadsTheSecurityKeyDocument(t *testing.T) {
	m := metadataServer(t, 200, `{"credential":{"access":"TMPAK","secret":"TMPSK","securitytoken":"TMPTOKEN",`+
		`"expires_at":"2026-01-02T03:04:05.123456Z"}}`, 0)
	keys, err := m.fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	if keys.AccessKey != "TMPAK" || keys.SecretKey != "TMPSK" || keys.SecurityToken != "TMPTOKEN" || !keys.ExpiresAt.Equal(want) {
		t.Fatalf("keys = %+v, expires %s", keys, keys.ExpiresAt)
	}
}

func TestMetadataErrorsNeverShowKeys(t *testing.T) {
	const secret = "TMPSECRETVALUE"
	cases := map[string]*metadataClient{
		"not JSON":        metadataServer(t, 200, `{"credential":{"secret":"`+secret+`"`, 0),
		"missing token":   metadataServer(t, 200, `{"credential":{"access":"AK","secret":"`+secret+`","expires_at":"2026-01-02T03:04:05Z"}}`, 0),
		"bad expiry":      metadataServer(t, 200, `{"credential":{"access":"AK","secret":"`+secret+`","securitytoken":"T","expires_at":"soon"}}`, 0),
		"no agency (404)": metadataServer(t, 404, "Please configure Cloud Service Agency first", 0),
	}
	for name, m := range cases {
		_, err := m.fetch(context.Background())
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestMetadataTimesOutFast(t *testing.T) {
	m := metadataServer(t, 200, "{}", 10*time.Second)
	start := time.Now()
	if _, err := m.fetch(context.Background()); err == nil {
		t.Fatal("want a timeout")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("a 200ms metadata timeout took %s", took)
	}
}

// tokenService is a metadata service that hands out keys only with the
// session token it issued, unless tokenStatus says its token endpoint
// answers otherwise (404: an older service without one).
type tokenService struct {
	tokenStatus int
	mu          sync.Mutex
	puts, gets  int
	ttl         string // X-Metadata-Token-Ttl-Seconds of the last PUT
	sentToken   string // X-Metadata-Token of the last GET
}

func (s *tokenService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodPut && r.URL.Path == MetadataTokenPath:
		s.puts++
		s.ttl = r.Header.Get(MetadataTokenTTLHeader)
		if s.tokenStatus != http.StatusOK {
			w.WriteHeader(s.tokenStatus)
			return
		}
		_, _ = w.Write([]byte("SESSIONTOKEN\n"))
	case r.Method == http.MethodGet && r.URL.Path == MetadataSecurityKeyPath:
		s.gets++
		s.sentToken = r.Header.Get(MetadataTokenHeader)
		if s.tokenStatus == http.StatusOK && s.sentToken != "SESSIONTOKEN" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"credential":{"access":"AK","secret":"SK","securitytoken":"T","expiration":"2026-01-02T03:04:05Z"}}`))
	default:
		http.NotFound(w, r)
	}
}

func TestMetadataFetchSendsTheSessionToken(t *testing.T) {
	for _, tc := range []struct {
		name        string
		tokenStatus int
		wantErr     string
		gets        int
		sentToken   string
	}{
		{"token required", http.StatusOK, "", 1, "SESSIONTOKEN"},
		{"no token endpoint (404): the plain request", http.StatusNotFound, "", 1, ""},
		{"token endpoint fails: no keys request", http.StatusInternalServerError, "PUT /meta-data/latest/api/token: HTTP 500", 0, ""},
		{"token endpoint refuses the method: not a fallback", http.StatusMethodNotAllowed, "HTTP 405", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			service := &tokenService{tokenStatus: tc.tokenStatus}
			srv := httptest.NewServer(service)
			t.Cleanup(srv.Close)
			keys, err := newMetadataClient(srv.URL, time.Second).fetch(context.Background())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else if err != nil || keys.AccessKey != "AK" || !keys.ExpiresAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Fatalf("keys %+v (expires %s), err %v", keys, keys.ExpiresAt, err)
			}
			if service.puts != 1 || service.ttl != "21600" || service.gets != tc.gets || service.sentToken != tc.sentToken {
				t.Fatalf("%d PUTs (TTL %q), %d GETs with token %q; want 1 PUT (TTL 21600), %d GETs with %q",
					service.puts, service.ttl, service.gets, service.sentToken, tc.gets, tc.sentToken)
			}
		})
	}
}
