package vod

import (
	"strings"
	"testing"
)

func TestCheckSigningAlgorithm(t *testing.T) {
	if got, err := checkSigningAlgorithm(""); err != nil || got != "HmacSHA256" {
		t.Fatalf("default = %q, %v", got, err)
	}
	for _, name := range []string{"HmacSHA256", "HmacSM3", "EcdsaP256SHA256", "SM2SM3"} {
		if got, err := checkSigningAlgorithm(name); err != nil || got != name {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	_, err := checkSigningAlgorithm("hmacsha256")
	if err == nil || !strings.Contains(err.Error(), "HmacSHA256, HmacSM3, EcdsaP256SHA256, SM2SM3") {
		t.Fatalf("err = %v", err)
	}
}
