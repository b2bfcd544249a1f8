package emulator

import (
	"errors"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
)

// listProjects asks the emulator's IAM through the SDK's IAM client.
func listProjects(t *testing.T, url, sk, name string) (*iammodel.KeystoneListProjectsResponse, error) {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(testAK).WithSk(sk).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := iam.IamClientBuilder().WithEndpoints([]string{url}).WithCredential(cred).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return iam.NewIamClient(hc).KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: &name})
}

func TestIAMListsTheProjectByName(t *testing.T) {
	srv, url, _ := sdkServer(t, func(c *Config) { c.ProjectName = "vod-prod" })
	resp, err := listProjects(t, url, testSK, "vod-prod")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Projects == nil || len(*resp.Projects) != 1 || (*resp.Projects)[0].Id != testPID || (*resp.Projects)[0].Name != "vod-prod" {
		t.Fatalf("projects = %v", resp.Projects)
	}
	resp, err = listProjects(t, url, testSK, "cn-north-4")
	if err != nil || resp.Projects == nil || len(*resp.Projects) != 0 {
		t.Fatalf("another name: %v, %v", resp, err)
	}
	if srv.IAMRequests() != 2 || srv.RequestCount() != 0 {
		t.Fatalf("IAM %d, VOD %d requests", srv.IAMRequests(), srv.RequestCount())
	}
}

func TestIAMRefusals(t *testing.T) {
	_, url, logs := sdkServer(t, nil)
	_, err := listProjects(t, url, "wrong-secret", DefaultProjectName)
	var sdkErr *sdkerr.ServiceResponseError
	if !errors.As(err, &sdkErr) || sdkErr.StatusCode != 401 {
		t.Fatalf("a bad signature: %v", err)
	}
	expectRejectedFor(t, logs, ErrSignatureMismatch.Error())

	_, url, _ = sdkServer(t, func(c *Config) { c.IAMDenied = true })
	_, err = listProjects(t, url, testSK, DefaultProjectName)
	if !errors.As(err, &sdkErr) || sdkErr.StatusCode != 403 || sdkErr.ErrorCode != "IAM.0002" {
		t.Fatalf("a denied lookup: %v", err)
	}
}
