package provider

// docs/guides/quick-start-zh-CN.md stays true: every name it gives in
// backticks, every emulator flag, environment variable and make target it
// uses exists, and its HCL blocks are formatted and, put together as its
// text says, validate and apply against the provider.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const quickStartZhPath = "../../templates/guides/quick-start-zh-CN.md.tmpl"

var (
	codeFence  = regexp.MustCompile("(?ms)^```(\\w*)\n(.*?)^```")
	codeSpan   = regexp.MustCompile("`([^`\n]+)`")
	identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$`)
	fileName   = regexp.MustCompile(`^[a-z_]+\.(tf|env|log)$`)
	declared   = regexp.MustCompile(`(?m)^(?:resource|output|variable) "[^"]+"(?: "([^"]+)")?|^(?:output|variable) "([^"]+)"`)
	hwVariable = regexp.MustCompile(`\bHW_[A-Z_]+\b`)
	longFlag   = regexp.MustCompile("(?:^|[\\s`(])--([a-z][a-z-]*)")
	makeTarget = regexp.MustCompile(`\bmake ([a-z-]+)`)
)

// Names in backticks that are neither the provider's nor declared in the
// guide, each for a reason.
var quickStartOtherNames = map[string]string{
	"error_code":    "a field of Huawei's error answers",
	"error_msg":     "a field of Huawei's error answers",
	"fail":          "the emulator's marker for a URL that fails",
	"flaky":         "the emulator's marker for a URL that fails once",
	"true":          "a value",
	"check":         "a block of the Terraform language",
	"postcondition": "a block of the Terraform language",
}

func readQuickStartZh(t *testing.T) (text string, blocks map[string][]string) {
	t.Helper()
	content, err := os.ReadFile(quickStartZhPath)
	if err != nil {
		t.Fatal(err)
	}
	blocks = map[string][]string{}
	for _, m := range codeFence.FindAllStringSubmatch(string(content), -1) {
		blocks[m[1]] = append(blocks[m[1]], m[2])
	}
	if len(blocks["terraform"]) < 3 || len(blocks["shell"]) < 3 {
		t.Fatalf("found %d terraform and %d shell blocks; the guide has more", len(blocks["terraform"]), len(blocks["shell"]))
	}
	return string(content), blocks
}

// schemaNames is every resource, data source and action type of the
// provider, and every attribute and block name at any depth.
func schemaNames(t *testing.T) map[string]bool {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	var walk func(tftypes.Type)
	walk = func(typ tftypes.Type) {
		switch typ := typ.(type) {
		case tftypes.Object:
			for name, attribute := range typ.AttributeTypes {
				names[name] = true
				walk(attribute)
			}
		case tftypes.List:
			walk(typ.ElementType)
		case tftypes.Set:
			walk(typ.ElementType)
		case tftypes.Map:
			walk(typ.ElementType)
		}
	}
	walk(schemas.Provider.ValueType())
	for name, schema := range schemas.ResourceSchemas {
		names[name] = true
		walk(schema.ValueType())
	}
	for name, schema := range schemas.DataSourceSchemas {
		names[name] = true
		walk(schema.ValueType())
	}
	for name, schema := range schemas.ActionSchemas {
		names[name] = true
		walk(schema.Schema.ValueType())
	}
	if !names["vod_preheating_batch"] || !names["create"] || !names["url"] {
		t.Fatalf("schema names look incomplete: %v", names)
	}
	return names
}

// englishDocs is the English pages' text, where the guide's other spans
// (error titles and codes, values, paths) must also appear.
func englishDocs(t *testing.T) string {
	t.Helper()
	var all strings.Builder
	for _, pattern := range []string{"../../templates/*.tmpl", "../../templates/*/*.tmpl"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if filepath.Base(file) == filepath.Base(quickStartZhPath) {
				continue
			}
			content, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(content)
		}
	}
	return all.String()
}

func knownEnvironmentVariables() map[string]bool {
	known := map[string]bool{}
	for _, s := range append([]setting{regionSetting, projectIDSetting, accessKeySetting, secretKeySetting,
		securityTokenSetting, endpointSetting, insecureSetting, maxRetriesSetting, maxRPSSetting, requestTimeoutSetting}, authSettingList...) {
		for _, name := range s.envVars {
			known[name] = true
		}
	}
	return known
}

func TestQuickStartZhNamesExist(t *testing.T) {
	text, blocks := readQuickStartZh(t)
	schema := schemaNames(t)
	for _, m := range declared.FindAllStringSubmatch(strings.Join(blocks["terraform"], "\n"), -1) {
		schema[m[1]+m[2]] = true
	}
	english := englishDocs(t)

	envs := knownEnvironmentVariables()
	for _, name := range hwVariable.FindAllString(text, -1) {
		if !envs[name] {
			t.Errorf("the guide names %s, which the provider does not read", name)
		}
	}
	emulatorSource, err := os.ReadFile("../../cmd/vod-emulator/main.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range longFlag.FindAllStringSubmatch(text, -1) {
		if !strings.Contains(string(emulatorSource), `"`+m[1]+`"`) {
			t.Errorf("the guide uses --%s, which vod-emulator does not have", m[1])
		}
	}
	makefile, err := os.ReadFile("../../GNUmakefile")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range makeTarget.FindAllStringSubmatch(text, -1) {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(m[1]) + `( [a-z ]+)?:`).Match(makefile) {
			t.Errorf("the guide runs make %s, which GNUmakefile does not have", m[1])
		}
	}

	// Backticked names outside code blocks: the provider's, the guide's own,
	// or in the English pages.
	prose := codeFence.ReplaceAllString(text, "")
	spans := 0
	for _, m := range codeSpan.FindAllStringSubmatch(prose, -1) {
		span := m[1]
		spans++
		switch {
		case hwVariable.MatchString(span) && !strings.Contains(span, " "), strings.HasPrefix(span, "--"), strings.HasPrefix(span, "make "):
			// checked above
		case identifier.MatchString(span) && !fileName.MatchString(span):
			for segment := range strings.SplitSeq(span, ".") {
				if !schema[segment] && quickStartOtherNames[segment] == "" {
					t.Errorf("the guide names `%s`: %q is no name of the provider's schema nor of the guide's configuration", span, segment)
				}
			}
		case strings.HasPrefix(span, "terraform "):
			for word := range strings.FieldsSeq(span) {
				if typ, _, _ := strings.Cut(word, "."); strings.HasPrefix(typ, "vod_") && !schema[typ] {
					t.Errorf("the guide's `%s` names %s, which the provider does not have", span, typ)
				}
			}
		case !strings.Contains(english, span):
			t.Errorf("the guide names `%s`, which no English page does", span)
		}
	}
	if spans < 30 {
		t.Fatalf("found only %d names in backticks", spans)
	}
}

// The guide's HCL blocks are formatted as terraform fmt writes them, and
// together (its text adds each to one main.tf) validate and apply against
// the emulator: the gate opens.
func TestAccQuickStartZh_configuration(t *testing.T) {
	_, blocks := readQuickStartZh(t)
	emu := newTestEmulator(t, -1)
	d := newTerraformDir(t, "1.5.0", fstest.MapFS{"main.tf": {Data: []byte(strings.Join(blocks["terraform"], "\n"))}}, emu.URL)
	for i, block := range blocks["terraform"] {
		cmd := exec.Command(d.terraform, "fmt", "-")
		cmd.Stdin, cmd.Env = strings.NewReader(block), d.env
		formatted, err := cmd.Output()
		if err != nil || string(formatted) != block {
			t.Errorf("HCL block %d is not as terraform fmt writes it (%v):\n%s", i+1, err, formatted)
		}
	}
	if out, err := d.run("validate", "-no-color"); err != nil {
		t.Fatalf("terraform validate: %v\n%s", err, out)
	}
	if out, err := d.run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	if out, err := d.run("output", "-raw", "go_live"); err != nil || out != "true" {
		t.Fatalf("terraform output -raw go_live: %v %q", err, out)
	}
	if out, err := d.run("output", "-json", "first_preheat"); err != nil || !strings.Contains(strings.Join(strings.Fields(out), ""), `"succeed":2`) {
		t.Fatalf("terraform output first_preheat: %v %s", err, out)
	}
}
