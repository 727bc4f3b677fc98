package function

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Seed corpora are committed under testdata/fuzz/<FuzzName>/; run with e.g.
// go test -run '^$' -fuzz FuzzRequestBody -fuzztime 30s ./function/

// FuzzRequestBody: request parsing never panics, and accepts only what it documents.
func FuzzRequestBody(f *testing.F) {
	f.Add("application/json", `{"spaceId":"-","clientId":"a","sessionId":"b"}`)
	f.Fuzz(func(t *testing.T, ct, body string) {
		var a, b, c string
		r := httptest.NewRequest("POST", "/v1/token", strings.NewReader(body))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		err := readBody(httptest.NewRecorder(), r, true, map[string]*string{"spaceId": &a, "clientId": &b, "sessionId": &c})
		if err != nil {
			e := asError(err)
			if e.Code != CodeInvalidRequest || e.Status != http.StatusBadRequest && e.Status != 413 && e.Status != 415 {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(body) > MaxBodyBytes {
			t.Fatal("accepted an oversized body")
		}
		if strings.TrimSpace(body) != "" && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
			t.Fatalf("accepted content type %q", ct)
		}
	})
}

// FuzzPath: an accepted path has only plain segments, and re-parses to itself.
func FuzzPath(f *testing.F) {
	f.Add("/users/alice/photos")
	f.Fuzz(func(t *testing.T, p string) {
		segs, why := splitPath(p)
		if why != "" {
			return
		}
		for _, s := range segs {
			if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\\\x00") || checkSegment(s) != "" {
				t.Fatalf("accepted segment %q of %q", s, p)
			}
		}
		again, why := splitPath(joinPath(segs))
		if why != "" || joinPath(again) != joinPath(segs) {
			t.Fatalf("%q does not re-parse: %q", p, why)
		}
		if underPrefix(segs, []string{"users", "alice"}, true) && (segs[0] != "users" || segs[1] != "alice") {
			t.Fatal("prefix check")
		}
	})
}

// FuzzPolicy: a policy that validates always expands to a safe area, whatever the claims,
// and its brokered roles (the default mode) hold only the function's begin rights.
func FuzzPolicy(f *testing.F) {
	f.Add(`{"roles":{"uploader":{"grants":["begin_upload"],"pathPrefix":"/users/{sub}/"}}}`, "alice", "space1")
	f.Add(`{"roles":{"u":{"grants":["begin_upload_force","delete_file"],"spaceWide":true}}}`, "alice", "space1")
	f.Add(`{"roles":{"u":{"grants":["upload_file"],"confirm":"direct","mode":"direct"}}}`, "alice", "-")
	f.Fuzz(func(t *testing.T, policy, sub, space string) {
		p, err := ParsePolicy(policy)
		if err != nil || p.validate() != nil {
			return
		}
		for name, r := range p.Roles {
			if r.Mode != ModeBrokered && r.Mode != ModeDirect {
				t.Fatalf("role %q kept mode %q", name, r.Mode)
			}
			if r.Mode == ModeBrokered && (len(r.Grants) == 0 || r.Confirm != ConfirmFunction) {
				t.Fatalf("brokered role %q: grants %v, confirm %q", name, r.Grants, r.Confirm)
			}
			for _, g := range r.Grants {
				if r.Mode == ModeBrokered && !brokeredGrants[g] {
					t.Fatalf("brokered role %q kept grant %q", name, g)
				}
				if !knownGrants[g] || libraryWideGrants[g] || r.Confirm == ConfirmFunction && confirmingGrants[g] {
					t.Fatalf("role %q kept grant %q", name, g)
				}
			}
			sc, err := p.resolve(&Identity{Subject: sub, Roles: []string{name}, Spaces: []string{space}}, "")
			if err != nil {
				continue
			}
			if why := checkSegments(sc.Prefix); why != "" {
				t.Fatalf("unsafe prefix %q: %s", sc.Prefix, why)
			}
			if r.Space == "{space}" && sc.Space != space || r.Space != "{space}" && sc.Space != r.Space {
				t.Fatalf("space %q", sc.Space)
			}
		}
	})
}
