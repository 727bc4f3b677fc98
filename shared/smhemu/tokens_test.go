package smhemu_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

func tokenAnswer(t *testing.T, a answer) (string, int64) {
	t.Helper()
	var tk struct {
		AccessToken string
		ExpiresIn   int64
	}
	a.decode(t, &tk)
	return tk.AccessToken, tk.ExpiresIn
}

func TestTokenCreateErrors(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	cases := []struct {
		query  string
		status int
		code   string
	}{
		{"", 400, "EmptyLibraryIdOrSecret"},
		{"library_secret=devsecret", 400, "EmptyLibraryId"},
		{"library_id=smhdev", 400, "EmptyLibrarySecret"},
		{"library_id=smhdev&library_secret=nope", 404, "WrongLibraryIdOrSecret"},
		{"library_id=nolib&library_secret=devsecret", 404, "WrongLibraryIdOrSecret"},
		{"library_id=smhdev&library_secret=devsecret&grant=upload_file,fly", 400, "InvalidGrant"},
		{"library_id=smhdev&library_secret=devsecret&space_id=space1", 400, "NotMultiSpaceLibrary"},
		{"library_id=smhmedia&library_secret=mediasecret&grant=upload_file", 400, "EmptySpaceId"},
		{"library_id=smhmedia&library_secret=mediasecret&space_id=nospace", 404, "SpaceNotFound"},
		{"library_id=smhmedia&library_secret=mediasecret&space_id=space1,nospace", 404, "SpaceNotFound"},
	}
	for _, c := range cases {
		for _, m := range []string{"GET", "POST"} {
			t.Run(m+" "+c.query, func(t *testing.T) {
				expect(t, e.do(m, "/api/v1/token?"+c.query, nil, nil), c.status, c.code)
			})
		}
	}
	expect(t, e.do("PUT", "/api/v1/token?library_id=smhdev&library_secret=devsecret", nil, nil), 405, "MethodNotAllowed")
	expect(t, e.do("POST", "/api/v1/token?library_id=smhdev&library_secret=devsecret", nil, "[1,2]"), 400, "InvalidParameter")
}

func TestTokenCreateAllParams(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	q := "library_id=smhmedia&library_secret=mediasecret&space_id=space1,-x&user_id=u1&client_id=c1&session_id=s1&period=600&grant=upload_file,create_directory"
	expect(t, e.do("GET", "/api/v1/token?"+q, nil, nil), 404, "SpaceNotFound") // "-x" is no space
	q = strings.Replace(q, ",-x", "", 1)
	for _, m := range []string{"GET", "POST"} {
		var body any
		if m == "POST" {
			body = `{"attachInfo":{"operatorPhoneNumber":"18628769878"},"shareDirectoryIdList":[]}`
		}
		a := e.do(m, "/api/v1/token?"+q, nil, body)
		expect(t, a, 200, "")
		tok, exp := tokenAnswer(t, a)
		if !strings.HasPrefix(tok, "acctk") || exp != 600 {
			t.Fatalf("%s: token %q expiresIn %d", m, tok, exp)
		}
		// The token works on its space and lists it.
		expect(t, e.api("GET", "/api/v1/directory/smhmedia/space1/", tok, nil), 200, "")
	}
	// A multi-tenant admin token needs no space_id and reaches every space.
	admin := e.token("smhmedia", "mediasecret", "grant=admin")
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/space1/", admin, nil), 200, "")
	// Single-tenant libraries accept space_id=-.
	e.token("smhdev", "devsecret", "space_id=-")
}

func TestPeriodClamping(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	cases := map[string]int64{
		"": 86400, "abc": 86400, "0": 86400, "-5": 86400, "1.5": 86400, "+60": 86400, "1e3": 86400,
		"1": 300, "299": 300, "300": 300, "301": 301, "3600": 3600, "0000600": 600,
		"315360000": 315360000, "315360001": 315360000, "99999999999999999999999": 315360000,
	}
	for in, want := range cases {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			a := e.do("GET", "/api/v1/token?library_id=smhdev&library_secret=devsecret&period="+in, nil, nil)
			expect(t, a, 200, "")
			if _, got := tokenAnswer(t, a); got != want {
				t.Fatalf("period %q: expiresIn %d, want %d", in, got, want)
			}
		})
	}
}

func TestSlidingExpiry(t *testing.T) {
	clk := newClock()
	e := newEnv(t, smhemu.Options{Now: clk.Now})
	tok := e.token("smhdev", "devsecret", "period=300")
	list := func() answer { return e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil) }
	for range 5 { // each call renews the token for another 300 s
		clk.Advance(299 * time.Second)
		expect(t, list(), 200, "")
	}
	// A failing call (no such file) still renews: the token was valid.
	clk.Advance(299 * time.Second)
	expect(t, e.api("GET", "/api/v1/file/smhdev/-/none.txt?info", tok, nil), 404, "FileNotFound")
	clk.Advance(299 * time.Second)
	expect(t, list(), 200, "")
	clk.Advance(300 * time.Second)
	expect(t, list(), 403, "InvalidAccessToken")
}

func TestTokenRenewAndDelete(t *testing.T) {
	clk := newClock()
	e := newEnv(t, smhemu.Options{Now: clk.Now})
	tok := e.token("smhdev", "devsecret", "period=600")
	clk.Advance(500 * time.Second)
	a := e.do("POST", "/api/v1/token/smhdev/"+tok, nil, nil)
	expect(t, a, 200, "")
	if v, exp := tokenAnswer(t, a); v != tok || exp != 600 {
		t.Fatalf("renew: %s %d", v, exp)
	}
	clk.Advance(500 * time.Second)
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil), 200, "")
	expect(t, e.do("POST", "/api/v1/token/smhmedia/"+tok, nil, nil), 403, "InvalidAccessToken")
	expect(t, e.do("POST", "/api/v1/token/nolib/"+tok, nil, nil), 404, "LibraryNotFound")
	expect(t, e.do("POST", "/api/v1/token/smhdev/acctkunknown", nil, nil), 403, "InvalidAccessToken")
	expect(t, e.do("DELETE", "/api/v1/token/smhdev/"+tok, nil, nil), 204, "")
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil), 403, "InvalidAccessToken")
	expect(t, e.do("DELETE", "/api/v1/token/smhdev/"+tok, nil, nil), 403, "InvalidAccessToken")
	// An expired token cannot be renewed.
	tok = e.token("smhdev", "devsecret", "period=300")
	clk.Advance(300 * time.Second)
	expect(t, e.do("POST", "/api/v1/token/smhdev/"+tok, nil, nil), 403, "InvalidAccessToken")
}

func TestTokenDeleteByUser(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	mk := func(user, client, session string) string {
		return e.token("smhdev", "devsecret", "user_id="+user+"&client_id="+client+"&session_id="+session)
	}
	toks := map[string]string{
		"u1/c1/s1": mk("u1", "c1", "s1"), "u1/c2/s1": mk("u1", "c2", "s1"), "u1/c1/s2": mk("u1", "c1", "s2"),
		"u2/c1/s1": mk("u2", "c1", "s1"), "u3/c1/s1": mk("u3", "c1", "s1"),
	}
	alive := func(k string) bool {
		return e.api("GET", "/api/v1/directory/smhdev/-/", toks[k], nil).status == 200
	}
	base := "/api/v1/token/smhdev?library_secret=devsecret"
	expect(t, e.do("DELETE", "/api/v1/token/smhdev?library_secret=x&user_id=u1", nil, nil), 404, "WrongLibraryIdOrSecret")
	expect(t, e.do("DELETE", "/api/v1/token/smhdev?user_id=u1", nil, nil), 400, "EmptyLibrarySecret")
	expect(t, e.do("DELETE", base, nil, nil), 400, "InvalidParameter")
	expect(t, e.do("DELETE", base+"&user_id=1,2,3,4,5,6,7,8,9,10,11", nil, nil), 400, "InvalidParameter")
	expect(t, e.do("DELETE", "/api/v1/token/nolib?library_secret=devsecret&user_id=u1", nil, nil), 404, "LibraryNotFound")
	// AND filter: user u1, client c1, session s1 only.
	expect(t, e.do("DELETE", base+"&user_id=u1&client_id=c1&session_id=s1", nil, nil), 204, "")
	for k, want := range map[string]bool{"u1/c1/s1": false, "u1/c2/s1": true, "u1/c1/s2": true, "u2/c1/s1": true} {
		if alive(k) != want {
			t.Errorf("%s alive=%v, want %v", k, !want, want)
		}
	}
	expect(t, e.do("DELETE", base+"&user_id=u1,u2&client_id=c1", nil, nil), 204, "")
	for k, want := range map[string]bool{"u1/c2/s1": true, "u1/c1/s2": false, "u2/c1/s1": false, "u3/c1/s1": true} {
		if alive(k) != want {
			t.Errorf("%s alive=%v, want %v", k, !want, want)
		}
	}
	expect(t, e.do("DELETE", base+"&user_id=u1,u3", nil, nil), 204, "")
	if alive("u1/c2/s1") || alive("u3/c1/s1") {
		t.Error("user-only delete left tokens")
	}
}

func TestTokenTransport(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("")
	other := e.devToken("")
	list := "/api/v1/directory/smhdev/-/"
	expect(t, e.do("GET", list, nil, nil), 400, "EmptyAccessToken")
	expect(t, e.do("GET", list, map[string]string{"Authorization": "Bearer " + tok}, nil), 200, "")
	expect(t, e.do("GET", list, map[string]string{"Authorization": "bearer " + tok}, nil), 200, "")
	expect(t, e.do("GET", list, map[string]string{"Authorization": "Basic " + tok}, nil), 400, "EmptyAccessToken")
	expect(t, e.do("GET", withToken(list, tok), map[string]string{"Authorization": "Bearer " + tok}, nil), 200, "")
	expect(t, e.do("GET", withToken(list, tok), map[string]string{"Authorization": "Bearer " + other}, nil), 400, "InvalidParameter")
	expect(t, e.api("GET", list, "acctkforged", nil), 403, "InvalidAccessToken")
	expect(t, e.api("GET", "/api/v1/directory/nolib/-/", tok, nil), 404, "LibraryNotFound")
	// A token of one library is invalid on another.
	admin := e.token("smhmedia", "mediasecret", "grant=admin")
	expect(t, e.api("GET", list, admin, nil), 403, "InvalidAccessToken")
	// Single-tenant: the space is "-".
	expect(t, e.api("GET", "/api/v1/directory/smhdev/space1/", tok, nil), 404, "SpaceNotFound")
}

func TestSpaceScoping(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	admin := e.token("smhmedia", "mediasecret", "grant=admin")
	a := e.api("POST", "/api/v1/space/smhmedia", admin, nil)
	expect(t, a, 201, "")
	var sp struct{ SpaceID string }
	a.decode(t, &sp)
	tokA := e.token("smhmedia", "mediasecret", "space_id=space1&grant=upload_file,create_directory")
	both := e.token("smhmedia", "mediasecret", "space_id=space1,"+sp.SpaceID)
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/space1/", tokA, nil), 200, "")
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/"+sp.SpaceID+"/", tokA, nil), 403, "AccessTokenNotMatchSpace")
	expect(t, e.api("PUT", "/api/v1/directory/smhmedia/"+sp.SpaceID+"/album", tokA, nil), 403, "AccessTokenNotMatchSpace")
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/nospace/", tokA, nil), 403, "AccessTokenNotMatchSpace")
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/"+sp.SpaceID+"/", both, nil), 200, "")
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/nospace/", admin, nil), 404, "SpaceNotFound")
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/-/", admin, nil), 404, "SpaceNotFound")
}

func TestExpireTokenAfterFault(t *testing.T) {
	clk := newClock()
	e := newEnv(t, smhemu.Options{Now: clk.Now})
	before := e.devToken("")
	if err := e.emu.SetFaults(smhemu.FaultConfig{ExpireTokenAfter: smhemu.Duration(30 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	a := e.do("GET", "/api/v1/token?library_id=smhdev&library_secret=devsecret", nil, nil)
	tok, exp := tokenAnswer(t, a)
	if exp != 30 {
		t.Fatalf("expiresIn %d under expireTokenAfter 30s", exp)
	}
	clk.Advance(20 * time.Second)
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil), 200, "")
	clk.Advance(10 * time.Second) // sliding renewal cannot pass the fault's limit
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil), 403, "InvalidAccessToken")
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", before, nil), 200, "") // issued before the fault
}

func TestExpireTokensNow(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("")
	expect(t, e.do("POST", "/_emulator/expire", nil, `{"tokens":true}`), 200, "")
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil), 403, "InvalidAccessToken")
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", e.devToken(""), nil), 200, "") // new tokens work
}
