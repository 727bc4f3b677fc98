package function

import (
	"errors"
	"testing"
)

func TestResolve(t *testing.T) {
	p, err := ParsePolicy(`{"roles":{
		"uploader":{"grants":["begin_upload"]},
		"team":{"grants":["begin_upload"],"space":"{space}","pathPrefix":"/{space}/{sub}/"},
		"fixed":{"grants":["begin_upload"],"space":"space1","pathPrefix":"/shared/"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		id        Identity
		requested string
		space     string
		prefix    string
		err       error
	}{
		{"default", Identity{Subject: "alice", Roles: []string{"uploader"}}, "", "-", "/users/alice/", nil},
		{"default explicit space", Identity{Subject: "alice", Roles: []string{"uploader"}}, "-", "-", "/users/alice/", nil},
		{"default foreign space", Identity{Subject: "alice", Roles: []string{"uploader"}}, "space9", "", "", ErrForbidden},
		{"first known role wins", Identity{Subject: "alice", Roles: []string{"ghost", "fixed", "uploader"}}, "", "space1", "/shared/", nil},
		{"no role", Identity{Subject: "alice"}, "", "", "", ErrForbidden},
		{"unknown role", Identity{Subject: "alice", Roles: []string{"root"}}, "", "", "", ErrForbidden},
		{"space claim", Identity{Subject: "bob", Roles: []string{"team"}, Spaces: []string{"s1"}}, "", "s1", "/s1/bob/", nil},
		{"space claim pick", Identity{Subject: "bob", Roles: []string{"team"}, Spaces: []string{"s1", "s2"}}, "s2", "s2", "/s2/bob/", nil},
		{"space claim ambiguous", Identity{Subject: "bob", Roles: []string{"team"}, Spaces: []string{"s1", "s2"}}, "", "", "", ErrInvalidRequest},
		{"space claim foreign", Identity{Subject: "bob", Roles: []string{"team"}, Spaces: []string{"s1"}}, "s3", "", "", ErrForbidden},
		{"space claim missing", Identity{Subject: "bob", Roles: []string{"team"}}, "", "", "", ErrForbidden},
		{"space claim traversal", Identity{Subject: "bob", Roles: []string{"team"}, Spaces: []string{".."}}, "", "", "", ErrForbidden},
		{"sub traversal", Identity{Subject: "..", Roles: []string{"uploader"}}, "", "", "", ErrForbidden},
		{"sub slash", Identity{Subject: "a/b", Roles: []string{"uploader"}}, "", "", "", ErrForbidden},
		{"sub comma", Identity{Subject: "alice,bob", Roles: []string{"uploader"}}, "", "", "", ErrForbidden},
		{"sub look-alike", Identity{Subject: "a\u2215b", Roles: []string{"uploader"}}, "", "", "", ErrForbidden},
		{"sub encoded", Identity{Subject: "%2e%2e", Roles: []string{"uploader"}}, "", "", "", ErrForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := p.resolve(&c.id, c.requested)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sc.Space != c.space || sc.PrefixString() != c.prefix {
				t.Fatalf("got space %q prefix %q", sc.Space, sc.PrefixString())
			}
		})
	}
}

func TestParsePolicyDefaults(t *testing.T) {
	p, err := ParsePolicy(`{"roles":{"r":{"grants":["begin_upload"],"maxFileSize":10}}}`)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Roles["r"]
	if r.MaxFileSize != 10 || r.Period != DefaultPeriod || r.Space != "-" || r.PathPrefix != DefaultPathPrefix || r.Confirm != ConfirmFunction {
		t.Fatalf("%+v", r)
	}
	for _, bad := range []string{`{"roles":{"r":null}}`, `{"roles":{}} {}`, `[]`, `{"roles":{"r":{"grants":"begin_upload"}}}`} {
		if _, err := ParsePolicy(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
