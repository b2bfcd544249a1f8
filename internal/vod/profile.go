package vod

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// cliConfig is the Huawei Cloud CLI (KooCLI) config file, the one Huawei's
// own Terraform provider reads through shared_config_file and profile.
type cliConfig struct {
	Current  string       `json:"current"`
	Profiles []cliProfile `json:"profiles"`
}

type cliProfile struct {
	Name            string `json:"name"`
	Mode            string `json:"mode"` // AKSK, or ecsAgency for the instance's agency
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SecurityToken   string `json:"securityToken"`
}

// readProfileKeys returns the keys of profile (default: the file's current
// one) in the CLI config file at path, or useMetadata when that profile
// authenticates with the instance's ECS agency. Errors name the file and the
// profile, never what the file holds.
func readProfileKeys(path, profile string) (keys Keys, useMetadata bool, err error) {
	fail := func(problem string) (Keys, bool, error) {
		return Keys{}, false, &ProfileError{File: path, Profile: profile, Problem: problem}
	}
	data, err := os.ReadFile(expandHome(path)) //nolint:gosec // G304: the user names this config file
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("the file does not exist")
	case err != nil:
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return fail("the file cannot be read: " + err.Error())
	}
	var file cliConfig
	if err := json.Unmarshal(data, &file); err != nil {
		return fail("the file is not a JSON CLI config file; an encrypted file cannot be read")
	}
	if profile == "" {
		profile = file.Current
		if profile == "" {
			return fail("no profile was named and the file names no current profile")
		}
	}
	var found *cliProfile
	for i := range file.Profiles {
		if file.Profiles[i].Name == profile {
			found = &file.Profiles[i]
			break
		}
	}
	if found == nil {
		return fail("the file has no such profile")
	}
	if strings.EqualFold(found.Mode, "ecsAgency") {
		return Keys{}, true, nil
	}
	if found.AccessKeyID == "" || found.SecretAccessKey == "" {
		if encrypted(data, profile) {
			return fail("the profile's keys are stored encrypted, which only the CLI can read; " +
				"store them in plain text (hcloud configure set --cli-auth-encrypt=false, then set the keys again) or give keys another way")
		}
		return fail("the profile has no accessKeyId and secretAccessKey")
	}
	return Keys{AccessKey: found.AccessKeyID, SecretKey: found.SecretAccessKey, SecurityToken: found.SecurityToken,
		Source: "profile " + profile + " of " + path}, false, nil
}

// encrypted reports whether the file or the profile carries an encryption
// marker (a field whose name mentions encryption or a cipher and whose value
// is set), as the CLI writes when it stores keys encrypted.
func encrypted(data []byte, profile string) bool {
	var raw struct {
		Profiles []map[string]any `json:"profiles"`
	}
	var top map[string]any
	if json.Unmarshal(data, &top) != nil || json.Unmarshal(data, &raw) != nil {
		return false
	}
	fields := []map[string]any{top}
	for _, p := range raw.Profiles {
		if p["name"] == profile {
			fields = append(fields, p)
		}
	}
	for _, m := range fields {
		for name, value := range m {
			lower := strings.ToLower(name)
			if !strings.Contains(lower, "encrypt") && !strings.Contains(lower, "cipher") {
				continue
			}
			switch v := value.(type) {
			case bool:
				if v {
					return true
				}
			case string:
				if v != "" && !strings.EqualFold(v, "false") {
					return true
				}
			}
		}
	}
	return false
}

// ProfileError is a Huawei Cloud CLI config file that yields no keys. It
// names the file and the profile, never what the file holds.
type ProfileError struct {
	File, Profile, Problem string
}

func (e *ProfileError) Error() string {
	profile := e.Profile
	if profile == "" {
		profile = "(the current one)"
	}
	return fmt.Sprintf("shared config file %s, profile %s: %s", e.File, profile, e.Problem)
}

// expandHome turns a leading "~/" into the user's home directory, as a
// shell would: the path may come from a CI variable or HCL, where no shell
// expands it, and Huawei's own tools accept "~/.hcloud/config.json".
func expandHome(path string) string {
	rest, ok := strings.CutPrefix(path, "~/")
	if !ok {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, rest)
}
