package vod

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadProfileKeys(t *testing.T) {
	file := writeTestFile(t, `{"current":"dev","profiles":[
 {"name":"dev","mode":"AKSK","accessKeyId":"DEVAK","secretAccessKey":"DEVSK"},
 {"name":"ci","mode":"AKSK","accessKeyId":"CIAK","secretAccessKey":"CISK","securityToken":"CITOKEN"},
 {"name":"ecs","mode":"ecsAgency"}]}`)
	keys, useMetadata, err := readProfileKeys(file, "")
	if err != nil || useMetadata || keys.AccessKey != "DEVAK" || keys.SecretKey != "DEVSK" {
		t.Fatalf("current profile: %v %v %v", keys.AccessKey, useMetadata, err)
	}
	keys, _, err = readProfileKeys(file, "ci")
	if err != nil || keys.AccessKey != "CIAK" || keys.SecurityToken != "CITOKEN" {
		t.Fatalf("named profile: %v %v", keys.AccessKey, err)
	}
	if _, useMetadata, err = readProfileKeys(file, "ecs"); err != nil || !useMetadata {
		t.Fatalf("an ecsAgency profile means the metadata service: %v %v", useMetadata, err)
	}
}

func TestProfileErrorsNameFileAndProfileNeverContents(t *testing.T) {
	const secret = "PROFILESECRET"
	cases := map[string]struct{ content, profile, want string }{
		"encrypted file":  {"\x00\x01" + secret, "", "an encrypted file cannot be read"},
		"missing profile": {`{"current":"dev","profiles":[{"name":"dev","secretAccessKey":"` + secret + `"}]}`, "prod", "no such profile"},
		"no keys":         {`{"current":"dev","profiles":[{"name":"dev","secretAccessKey":"` + secret + `"}]}`, "", "no accessKeyId and secretAccessKey"},
		"encrypted keys":  {`{"current":"dev","profiles":[{"name":"dev","skCipher":"` + secret + `"}]}`, "", "stored encrypted"},
		"no current":      {`{"profiles":[{"name":"dev","secretAccessKey":"` + secret + `"}]}`, "", "no current profile"},
	}
	for name, tc := range cases {
		file := writeTestFile(t, tc.content)
		_, _, err := readProfileKeys(file, tc.profile)
		var profileErr *ProfileError
		if !errors.As(err, &profileErr) {
			t.Fatalf("%s: err = %v", name, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, file) || !strings.Contains(msg, tc.want) || strings.Contains(msg, secret) {
			t.Errorf("%s: %s", name, msg)
		}
		if tc.profile != "" && !strings.Contains(msg, "profile "+tc.profile) {
			t.Errorf("%s: the error does not name profile %s: %s", name, tc.profile, msg)
		}
	}
}

// A path from a CI variable or HCL gets no shell expansion: "~/" is expanded here.
func TestReadProfileKeysExpandsTheHomeDirectory(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // os.UserHomeDir on Windows
	if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	content := `{"current":"dev","profiles":[{"name":"dev","mode":"AKSK","accessKeyId":"DEVAK","secretAccessKey":"DEVSK"}]}`
	if err := os.WriteFile(filepath.Join(home, ".hcloud", "config.json"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, _, err := readProfileKeys("~/.hcloud/config.json", "")
	if err != nil || keys.AccessKey != "DEVAK" {
		t.Fatalf("~/.hcloud/config.json: %v %v", keys.AccessKey, err)
	}
	if got := expandHome("/etc/~/x"); got != "/etc/~/x" {
		t.Errorf("expandHome changed a path without a leading ~/: %s", got)
	}
}
