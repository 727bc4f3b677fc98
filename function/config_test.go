package function

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func baseEnv() map[string]string {
	return map[string]string{
		EnvAPIBase:        "https://smhx.api.tencentsmh.cn",
		EnvLibraryID:      "smhx",
		EnvLibrarySecret:  "library-secret",
		EnvHS256Secret:    strings.Repeat("k", 32),
		EnvAllowedOrigins: "https://app.example.com, http://localhost:5173",
		// Brokered roles (the default) seal upload tickets with it.
		EnvTicketKey: strings.Repeat("t", 32),
	}
}

func TestConfigAccepts(t *testing.T) {
	for name, mod := range map[string]map[string]string{
		"defaults":         {},
		"jwks":             {EnvHS256Secret: "", EnvJWKSURL: "https://idp.example.com/.well-known/jwks.json", EnvIssuer: "https://idp.example.com", EnvAudience: "ferry"},
		"anonymous in dev": {EnvAuthMode: "anonymous", EnvDevMode: "1", EnvHS256Secret: ""},
		"star in dev":      {EnvAllowedOrigins: "*", EnvDevMode: "true"},
		"http loopback":    {EnvAPIBase: "http://127.0.0.1:9100"},
		"rate off":         {EnvRateLimit: "off"},
		"rate 5/s":         {EnvRateLimit: "5/s"},
		"webhook":          {EnvWebhookURL: "https://hooks.example.com/ferry", EnvWebhookSecret: strings.Repeat("w", 16)},
		"policy":           {EnvPolicy: `{"roles":{"editor":{"grants":["begin_upload"],"space":"{space}","pathPrefix":"/teams/{space}/{sub}/","allowedTypes":["image/*",".pdf"],"maxFileSize":1048576,"period":900}}}`},
		"direct role":      {EnvPolicy: `{"roles":{"admin-ish":{"grants":["upload_file","delete_file"],"confirm":"direct","mode":"direct","pathPrefix":"/"}}}`},
		"cookie":           {EnvAuthCookie: "__Host-session_jwt"},
		"space-wide said":  {EnvPolicy: `{"roles":{"curator":{"grants":["begin_upload","delete_file","move_file","create_directory"],"mode":"direct","spaceWide":true}}}`},
		"brokered said":    {EnvPolicy: `{"roles":{"u":{"grants":["begin_upload_force"],"mode":"brokered","quickUpload":false}}}`},
		// FERRY_TICKET_KEY: in DEV_MODE a random key of the process stands in; a policy
		// without brokered roles seals no tickets.
		"dev without ticket key":    {EnvTicketKey: "", EnvDevMode: "1"},
		"direct without ticket key": {EnvTicketKey: "", EnvPolicy: `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct"}}}`},
	} {
		t.Run(name, func(t *testing.T) {
			e := baseEnv()
			for k, v := range mod {
				e[k] = v
			}
			cfg, err := ConfigFromLookup(env(e))
			if err == nil {
				_, err = New(cfg)
			}
			if err != nil {
				t.Fatal(err)
			}
			if name == "defaults" { // no POLICY: the default role, brokered (TestConfigDefaultIsBrokered asks it)
				full, _ := cfg.withDefaults()
				if r := full.Policy.Roles[DefaultRoleName]; cfg.Policy != nil || r == nil || r.Mode != ModeBrokered {
					t.Fatalf("default role %+v", r)
				}
			}
		})
	}
}

// TestConfigDefaultIsBrokered: with the variables alone (no POLICY), a caller's role is
// brokered: the token answer holds no SMH token and points at /v1/uploads. It needs no
// upstream (SMH_API_BASE here is never reached), so a direct answer could not pass.
func TestConfigDefaultIsBrokered(t *testing.T) {
	cfg, err := ConfigFromLookup(env(baseEnv()))
	if err != nil {
		t.Fatal(err)
	}
	full, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if r := full.Policy.Roles[DefaultRoleName]; r == nil || r.Mode != ModeBrokered {
		t.Fatalf("default role %+v, want mode %q", r, ModeBrokered)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	jwtStr, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "alice", "role": DefaultRoleName,
		"exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "https://fn.example.com/v1/token", nil)
	r.Header.Set("Authorization", "Bearer "+jwtStr)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var a map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if a["mode"] != ModeBrokered || a["uploadsUrl"] != "https://fn.example.com/v1/uploads" {
		t.Fatalf("answer %s", w.Body)
	}
	for _, k := range []string{"accessToken", "apiBase", "grants", "confirm", "confirmUrl"} {
		if _, ok := a[k]; ok {
			t.Errorf("the default role's answer carries %q: %s", k, w.Body)
		}
	}
}

func TestConfigRefuses(t *testing.T) {
	for name, c := range map[string]struct {
		mod  map[string]string
		want string
	}{
		"empty secret":           {map[string]string{EnvLibrarySecret: ""}, EnvLibrarySecret},
		"secret with newline":    {map[string]string{EnvLibrarySecret: "abc\n"}, "whitespace"},
		"no library id":          {map[string]string{EnvLibraryID: ""}, EnvLibraryID},
		"no api base":            {map[string]string{EnvAPIBase: ""}, EnvAPIBase},
		"api base with path":     {map[string]string{EnvAPIBase: "https://x.example.com/api"}, "only scheme and host"},
		"http api base":          {map[string]string{EnvAPIBase: "http://smh.example.com"}, "plain http"},
		"ftp api base":           {map[string]string{EnvAPIBase: "ftp://smh.example.com"}, "scheme"},
		"star origin":            {map[string]string{EnvAllowedOrigins: "*"}, `"*"`},
		"wildcard origin":        {map[string]string{EnvAllowedOrigins: "https://*.example.com"}, "exact origin"},
		"origin with path":       {map[string]string{EnvAllowedOrigins: "https://app.example.com/"}, "exact origin"},
		"origin upper case":      {map[string]string{EnvAllowedOrigins: "https://App.example.com"}, "exact origin"},
		"http origin":            {map[string]string{EnvAllowedOrigins: "http://app.example.com"}, "plain http"},
		"null origin":            {map[string]string{EnvAllowedOrigins: "null"}, "exact origin"},
		"anonymous without dev":  {map[string]string{EnvAuthMode: "anonymous"}, "DEV_MODE"},
		"unknown auth mode":      {map[string]string{EnvAuthMode: "none"}, EnvAuthMode},
		"no key":                 {map[string]string{EnvHS256Secret: ""}, "needs"},
		"both keys":              {map[string]string{EnvJWKSURL: "https://idp.example.com/jwks"}, "not both"},
		"short hs256":            {map[string]string{EnvHS256Secret: "short"}, "at least 32"},
		"hs256 is lib secret":    {map[string]string{EnvLibrarySecret: strings.Repeat("k", 32)}, "library secret"},
		"http jwks":              {map[string]string{EnvHS256Secret: "", EnvJWKSURL: "http://idp.example.com/jwks"}, "plain http"},
		"bad dev mode":           {map[string]string{EnvDevMode: "yes"}, EnvDevMode},
		"bad rate":               {map[string]string{EnvRateLimit: "60 per minute"}, EnvRateLimit},
		"webhook without secret": {map[string]string{EnvWebhookURL: "https://hooks.example.com"}, EnvWebhookSecret},
		"webhook short secret":   {map[string]string{EnvWebhookURL: "https://hooks.example.com", EnvWebhookSecret: "short"}, "16"},
		"secret without webhook": {map[string]string{EnvWebhookSecret: strings.Repeat("w", 16)}, "without"},
		"bad cookie name":        {map[string]string{EnvAuthCookie: "a b"}, "cookie"},
		"cookie without __Host-": {map[string]string{EnvAuthCookie: "app_jwt"}, "__Host-"},
		"cookie __host- case":    {map[string]string{EnvAuthCookie: "__host-jwt"}, "__Host-"},
		"cookie only the prefix": {map[string]string{EnvAuthCookie: "__Host-"}, "__Host-"},
		"jwks without issuer":    {map[string]string{EnvHS256Secret: "", EnvJWKSURL: "https://idp.example.com/jwks", EnvAudience: "ferry"}, EnvIssuer},
		"jwks without audience":  {map[string]string{EnvHS256Secret: "", EnvJWKSURL: "https://idp.example.com/jwks", EnvIssuer: "https://idp.example.com"}, EnvAudience},
		"policy not json":        {map[string]string{EnvPolicy: "{"}, "POLICY"},
		"policy unknown field":   {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"maxSize":1}}}`}, "maxSize"},
		"policy unknown top":     {map[string]string{EnvPolicy: `{"roles":{},"admins":[]}`}, "admins"},
		"policy no roles":        {map[string]string{EnvPolicy: `{"roles":{}}`}, "no roles"},
		"policy no grants":       {map[string]string{EnvPolicy: `{"roles":{"u":{}}}`}, "grants"},
		"policy bad grant":       {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["upload"]}}}`}, "unknown grant"},
		"policy admin":           {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["admin"],"confirm":"direct"}}}`}, "whole library"},
		"policy dup grant":       {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["begin_upload","begin_upload"]}}}`}, "twice"},
		"function + upload_file": {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["upload_file"],"mode":"direct"}}}`}, "bypassed"},
		"bad confirm":            {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"confirm":"later","mode":"direct"}}}`}, `confirm "later"`},
		"bad space":              {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"space":"a/b"}}}`}, "space"},
		"prefix no slash":        {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"pathPrefix":"users/{sub}"}}}`}, "start and end"},
		"prefix traversal":       {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"pathPrefix":"/users/../{sub}/"}}}`}, "pathPrefix"},
		"prefix placeholder":     {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"pathPrefix":"/users/{user}/"}}}`}, "placeholders"},
		"zero size":              {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"maxFileSize":0}}}`}, "maxFileSize"},
		"short period":           {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"period":60}}}`}, "period"},
		"long period":            {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"period":604800}}}`}, "period"},
		"bad type":               {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"allowedTypes":["images"]}}}`}, "allowedTypes"},
		"bad role name":          {map[string]string{EnvPolicy: `{"roles":{"a role":{"grants":[]}}}`}, "role name"},
		"prefixed delete_file":   {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["begin_upload","delete_file"],"mode":"direct"}}}`}, `"delete_file"`},
		"prefixed create_dir":    {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["create_directory"],"mode":"direct"}}}`}, "spaceWide"},
		"prefixed move_file":     {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["move_file_force"],"pathPrefix":"/teams/","mode":"direct"}}}`}, "move_file_force"},
		"prefixed copy_dir":      {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["copy_directory"],"mode":"direct"}}}`}, "copy_directory"},
		"prefixed symlink":       {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["create_symlink_force"],"mode":"direct"}}}`}, "create_symlink_force"},
		"prefixed acl":           {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["acl"],"mode":"direct"}}}`}, `"acl"`},
		"prefixed recycled":      {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["restore_recycled"],"mode":"direct"}}}`}, "restore_recycled"},
		"prefixed history":       {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["delete_history"],"mode":"direct"}}}`}, "delete_history"},
		"prefixed set history":   {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["set_history_latest"],"mode":"direct"}}}`}, "set_history_latest"},
		"prefixed direct delete": {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["upload_file","delete_directory_permanent"],"confirm":"direct","mode":"direct"}}}`}, "delete_directory_permanent"},
		"spaceWide not bool":     {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["acl"],"spaceWide":"yes"}}}`}, "POLICY"},
		"anonymous no uploader":  {map[string]string{EnvAuthMode: "anonymous", EnvDevMode: "1", EnvPolicy: `{"roles":{"u":{"grants":["begin_upload"]}}}`}, "uploader"},
		// FERRY_TICKET_KEY: the default policy's role is brokered, so outside DEV_MODE the
		// function refuses to start without the key that seals its tickets.
		"default without ticket key":  {map[string]string{EnvTicketKey: ""}, EnvTicketKey},
		"brokered without ticket key": {map[string]string{EnvTicketKey: "", EnvPolicy: `{"roles":{"d":{"grants":["upload_file"],"confirm":"direct","mode":"direct"},"b":{"grants":["begin_upload"]}}}`}, EnvTicketKey},
		"short ticket key":            {map[string]string{EnvTicketKey: strings.Repeat("t", 31)}, "at least 32"},
		"ticket key is lib secret":    {map[string]string{EnvTicketKey: strings.Repeat("l", 32), EnvLibrarySecret: strings.Repeat("l", 32)}, "of its own"},
		"ticket key is hs256 secret":  {map[string]string{EnvTicketKey: strings.Repeat("k", 32)}, "of its own"},
		"ticket key with newline":     {map[string]string{EnvTicketKey: strings.Repeat("t", 32) + "\n"}, "whitespace"},
		// Brokered is the default mode: a first-release policy whose role holds rights the
		// function does not broker, or says confirm "direct", must opt in to direct.
		"default mode + upload_file": {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["upload_file"]}}}`}, `mode "direct"`},
		"default mode + delete_file": {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["begin_upload","delete_file"],"spaceWide":true}}}`}, `"delete_file": in mode "brokered"`},
		"default mode + confirm":     {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["begin_upload"],"confirm":"direct"}}}`}, `completes every upload`},
		"default mode, no grants":    {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[]}}}`}, "begin_upload"},
		"brokered + confirm_upload":  {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["begin_upload","confirm_upload"],"mode":"brokered"}}}`}, `"confirm_upload"`},
		"unknown mode":               {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["begin_upload"],"mode":"hybrid"}}}`}, `mode "hybrid"`},
	} {
		t.Run(name, func(t *testing.T) {
			e := baseEnv()
			for k, v := range c.mod {
				e[k] = v
			}
			cfg, err := ConfigFromLookup(env(e))
			if err == nil {
				_, err = New(cfg)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
			if strings.Contains(err.Error(), "library-secret") || strings.Contains(err.Error(), strings.Repeat("k", 32)) ||
				strings.Contains(err.Error(), strings.Repeat("t", 31)) || strings.Contains(err.Error(), strings.Repeat("l", 32)) {
				t.Fatalf("error %q holds a secret", err)
			}
		})
	}
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg, err := ConfigFromLookup(env(baseEnv()))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", cfg.Auth), fmt.Sprintf("%s %q %v", cfg.LibrarySecret, cfg.LibrarySecret, cfg.Auth.HS256Secret),
		fmt.Sprintf("%s %q %v %#v", cfg.TicketKey, cfg.TicketKey, cfg.TicketKey, cfg.TicketKey)} {
		if strings.Contains(s, "library-secret") || strings.Contains(s, strings.Repeat("k", 32)) || strings.Contains(s, strings.Repeat("t", 32)) {
			t.Fatalf("printed a secret: %s", s)
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	for in, want := range map[string]RateLimit{"60/m": {60, time.Minute, false}, "5/s": {5, time.Second, false}, "1000/h": {1000, time.Hour, false}, "off": {Off: true}} {
		got, err := ParseRateLimit(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"60", "0/m", "-1/m", "60/d", "x/m", "60/"} {
		if _, err := ParseRateLimit(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDefaultPolicyMatchesInterfaces(t *testing.T) {
	p := DefaultPolicy()
	r := p.Roles["uploader"]
	if len(p.Roles) != 1 || r == nil || fmt.Sprint(r.Grants) != "[begin_upload]" || r.Space != "-" || r.PathPrefix != "/users/{sub}/" ||
		r.MaxFileSize != 5<<30 || len(r.AllowedTypes) != 0 || r.Period != 3600 || r.Confirm != "function" ||
		r.Mode != ModeBrokered || !r.QuickUpload {
		t.Fatalf("default policy %+v", r)
	}
	if err := p.validate(); err != nil {
		t.Fatal(err)
	}
}
