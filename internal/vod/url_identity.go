package vod

import "strings"

// URLKey is the form of u under which two spellings of one CDN URL
// compare equal, the way a CDN matches them (RFC 3986, section 6.2.2):
// scheme and host in lower case, the default port (:80 for http, :443 for
// https) dropped, an empty path as "/", percent-escapes of unreserved
// characters (letters, digits, "-", ".", "_", "~") decoded and the other
// escapes' hex digits in upper case. The path's case, a trailing slash and
// the query are kept as they are: CDNs treat /a and /a/, /A and /a, and
// reordered queries as different objects. A string that is not an absolute
// URL is its own key.
func URLKey(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok || scheme == "" {
		return normalizeEscapes(u)
	}
	scheme = strings.ToLower(scheme)
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := strings.ToLower(rest[:end]), rest[end:]
	authority = strings.TrimSuffix(authority, ":") // an empty port is the default one
	switch scheme {
	case "http":
		authority = strings.TrimSuffix(authority, ":80")
	case "https":
		authority = strings.TrimSuffix(authority, ":443")
	}
	if tail == "" || tail[0] != '/' {
		tail = "/" + tail
	}
	return scheme + "://" + authority + normalizeEscapes(tail)
}

// SameURL reports whether a and b name the same CDN object (see URLKey).
func SameURL(a, b string) bool { return URLKey(a) == URLKey(b) }

// normalizeEscapes decodes the percent-escapes of unreserved characters and
// writes the others' hex digits in upper case; a malformed escape is kept.
func normalizeEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			b.WriteByte(s[i])
			continue
		}
		c := unhex(s[i+1])<<4 | unhex(s[i+2])
		if isUnreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(s[i+1 : i+3]))
		}
		i += 2
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
