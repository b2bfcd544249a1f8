package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsDoNotRepeatUnconfirmedAPIClaims reads the project's own docs
// (README, docs/, templates/) for claims the API brief once made and Huawei's
// sources do not bear out: that a query answers 202 as Huawei's reference
// says (the seed and the current pages show 200), and VOD.10086 or VOD.10089
// as VOD's codes (no source confirms them; the emulator's choice).
func TestDocsDoNotRepeatUnconfirmedAPIClaims(t *testing.T) {
	files := []string{"../../README.md"}
	for _, pattern := range []string{"../../docs/*.md", "../../docs/*/*.md", "../../templates/*.tmpl", "../../templates/*/*.tmpl"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	if len(files) < 5 {
		t.Fatalf("found only %v", files)
	}
	query202 := regexp.MustCompile(`202[^.]*(Huawei's (API )?reference says|API reference says)`)
	unconfirmedCode := regexp.MustCompile(`VOD\.100(86|89)`)
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(content), "\n") {
			if query202.MatchString(line) {
				t.Errorf("%s:%d says queries answer 202 as Huawei's reference says; the seed and Huawei's current pages show 200: %s", file, n+1, line)
			}
			if unconfirmedCode.MatchString(line) && !strings.Contains(line, "confirm") {
				t.Errorf("%s:%d names VOD.10086/VOD.10089 without saying no source confirms them: %s", file, n+1, line)
			}
		}
	}
}

// TestEveryRecipeIsInThePipelineGuide keeps the guide and examples/recipes
// in step: a recipe an acceptance test applies but no page shows helps nobody.
func TestEveryRecipeIsInThePipelineGuide(t *testing.T) {
	guide, err := os.ReadFile("../../templates/guides/pipeline-recipes.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	recipes, err := filepath.Glob("../../examples/recipes/*/main.tf")
	if err != nil || len(recipes) == 0 {
		t.Fatalf("no recipes found (%v)", err)
	}
	for _, recipe := range recipes {
		name := strings.TrimPrefix(filepath.ToSlash(recipe), "../../")
		if !strings.Contains(string(guide), `{{ tffile "`+name+`" }}`) {
			t.Errorf("templates/guides/pipeline-recipes.md.tmpl does not render %s", name)
		}
	}
}
