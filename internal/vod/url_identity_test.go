package vod

import "testing"

func TestURLKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b string
		same bool
	}{
		{"identical", "https://cdn.example.com/a.mp4", "https://cdn.example.com/a.mp4", true},
		{"host case", "https://CDN.Example.com/a.mp4", "https://cdn.example.com/a.mp4", true},
		{"scheme case", "HTTPS://cdn.example.com/a.mp4", "https://cdn.example.com/a.mp4", true},
		{"https default port", "https://cdn.example.com:443/a.mp4", "https://cdn.example.com/a.mp4", true},
		{"http default port", "http://cdn.example.com:80/a.mp4", "http://cdn.example.com/a.mp4", true},
		{"empty port", "http://cdn.example.com:/a.mp4", "http://cdn.example.com/a.mp4", true},
		{"other port kept", "https://cdn.example.com:8443/a.mp4", "https://cdn.example.com/a.mp4", false},
		{"http port on https kept", "https://cdn.example.com:80/a.mp4", "https://cdn.example.com/a.mp4", false},
		{"unreserved escape", "https://cdn.example.com/%61%2D%7E.mp4", "https://cdn.example.com/a-~.mp4", true},
		{"escape hex case", "https://cdn.example.com/a%2fb.mp4", "https://cdn.example.com/a%2Fb.mp4", true},
		{"reserved escape kept", "https://cdn.example.com/a%2Fb.mp4", "https://cdn.example.com/a/b.mp4", false},
		{"empty path is root", "https://cdn.example.com", "https://cdn.example.com/", true},
		{"trailing slash kept", "https://cdn.example.com/a", "https://cdn.example.com/a/", false},
		{"path case kept", "https://cdn.example.com/A.mp4", "https://cdn.example.com/a.mp4", false},
		{"query kept", "https://cdn.example.com/a.mp4?x=1", "https://cdn.example.com/a.mp4", false},
		{"query escape", "https://cdn.example.com/a.mp4?x=%31", "https://cdn.example.com/a.mp4?x=1", true},
		{"scheme differs", "http://cdn.example.com/a.mp4", "https://cdn.example.com/a.mp4", false},
		{"malformed escape kept", "https://cdn.example.com/a%zz", "https://cdn.example.com/a%zz", true},
		{"escape at the end", "https://cdn.example.com/a%4", "https://cdn.example.com/a%4", true},
		{"not a URL", "cdn.example.com/a", "cdn.example.com/a", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SameURL(tc.a, tc.b); got != tc.same {
				t.Errorf("SameURL(%q, %q) = %v, want %v (keys %q, %q)", tc.a, tc.b, got, tc.same, URLKey(tc.a), URLKey(tc.b))
			}
		})
	}
}

func TestURLKeyIsStable(t *testing.T) {
	for _, u := range []string{"HTTPS://CDN.example.com:443/%61b%2f?q=%7e", "http://h", "x"} {
		if key := URLKey(u); URLKey(key) != key {
			t.Errorf("URLKey(URLKey(%q)) = %q, want %q", u, URLKey(key), key)
		}
	}
}
