package main

import (
	"os"
	"testing"
)

// A newcomer reads the README for the two commands and the provider page for
// the settings; rare detail belongs in the guides and CONTRIBUTING.md. These
// bounds keep both pages short enough to be read rather than searched.
func TestReadmeAndProviderPageStayShort(t *testing.T) {
	for _, page := range []struct {
		path  string
		limit int
		where string
	}{
		{"README.md", 12 * 1024, "CONTRIBUTING.md (for contributors) or docs/guides (for users)"},
		{"docs/index.md", 10 * 1024, "a guide under templates/guides, or shorter schema descriptions"},
	} {
		info, err := os.Stat(page.path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > int64(page.limit) {
			t.Errorf("%s is %d bytes, over its %d: move detail to %s", page.path, info.Size(), page.limit, page.where)
		}
	}
}
