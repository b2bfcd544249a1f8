package vod

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
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
