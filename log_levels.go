package main

import (
	"os"
	"strings"
)

// Terraform keeps a provider's log lines only at or above its provider log
// level: TF_LOG_PROVIDER, else TF_LOG, and none at all when both are unset
// (its internal/logging package; OpenTofu does the same). The plugin
// libraries log at TRACE by default, tens of kilobytes of JSON per data
// source that the provider encodes and Terraform decodes only to drop.
// Starting their loggers at Terraform's level drops those lines before they
// are built instead; what Terraform would show is unchanged.

// terraformLogLevels are the levels Terraform accepts; any other value
// (JSON, or a typo) makes it log everything at TRACE.
var terraformLogLevels = map[string]bool{"TRACE": true, "DEBUG": true, "INFO": true, "WARN": true, "ERROR": true, "OFF": true}

// pluginLogLevelVars are the variables the plugin libraries take their levels
// from: the SDK root (protocol and framework subsystems inherit it) and this
// provider's own logger (tf6server derives TF_LOG_PROVIDER_VOD from the
// provider's address).
var pluginLogLevelVars = []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_VOD"}

// logLevelsTerraformKeeps returns the level variables to set so that the
// plugin libraries log no finer than Terraform keeps. A variable the user
// has set is left as it is.
func logLevelsTerraformKeeps(getenv func(string) string) map[string]string {
	level := strings.ToUpper(getenv("TF_LOG_PROVIDER"))
	if level == "" {
		level = strings.ToUpper(getenv("TF_LOG"))
	}
	if level == "" {
		level = "OFF"
	}
	if !terraformLogLevels[level] || level == "TRACE" {
		return nil
	}
	set := map[string]string{}
	for _, name := range pluginLogLevelVars {
		if getenv(name) == "" {
			set[name] = level
		}
	}
	return set
}

// applyTerraformLogLevel sets the variables before the provider is served;
// the plugin libraries read them when they create their loggers.
func applyTerraformLogLevel() error {
	for name, level := range logLevelsTerraformKeeps(os.Getenv) {
		if err := os.Setenv(name, level); err != nil {
			return err
		}
	}
	return nil
}
