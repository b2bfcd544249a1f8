package emulator

import (
	"io"
	"net/http"
)

// IAMProjectsPath is IAM's project list, which a client without a project
// ID asks for the project of its region by name.
const IAMProjectsPath = "/v3/projects"

// DefaultProjectName is the IAM name of the tenant's project when
// Config.ProjectName is empty: IAM names a region's default project after
// the region.
const DefaultProjectName = "cn-north-4"

// IAMRequests is how many IAM project lookups arrived.
func (s *Server) IAMRequests() int {
	s.identity.mu.Lock()
	defer s.identity.mu.Unlock()
	return s.identity.iamCalls
}

// serveIAM answers GET /v3/projects?name=... like IAM: signed with the same
// credentials as VOD calls (no project header needed), it lists the
// tenant's one project when the name matches, or none. With
// Config.IAMDenied the credentials may not read IAM, and the answer is 403.
func (s *Server) serveIAM(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newHexID())
	s.identity.mu.Lock()
	s.identity.iamCalls++
	s.identity.mu.Unlock()
	if r.Method != http.MethodGet {
		writeError(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment")
		return
	}
	body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err := s.verifier.Verify(r, body); err != nil {
		s.logf("rejected %s %s: %v", r.Method, r.URL.Path, err)
		writeError(w, http.StatusUnauthorized, "APIGW.0301",
			"Incorrect IAM authentication information: verify aksk signature fail")
		return
	}
	if s.cfg.IAMDenied {
		writeJSON(w, http.StatusForbidden, map[string]any{"error": map[string]string{
			"code": "IAM.0002", "message": "You do not have permission to perform this action.",
		}})
		return
	}
	type project struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Enabled  bool   `json:"enabled"`
		IsDomain bool   `json:"is_domain"`
		DomainID string `json:"domain_id"`
		ParentID string `json:"parent_id"`
	}
	name := s.cfg.ProjectName
	if name == "" {
		name = DefaultProjectName
	}
	projects := []project{}
	if want := r.URL.Query().Get("name"); want == "" || want == name {
		projects = append(projects, project{ID: s.cfg.ProjectID, Name: name, Enabled: true, DomainID: "d0main", ParentID: "d0main"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": projects, "links": map[string]any{"self": "http://" + r.Host + r.URL.RequestURI()}})
}
