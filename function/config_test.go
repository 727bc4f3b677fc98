package function

import (
	"fmt"
	"strings"
	"testing"
	"time"
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
		"direct role":      {EnvPolicy: `{"roles":{"admin-ish":{"grants":["upload_file","delete_file"],"confirm":"direct","pathPrefix":"/"}}}`},
		"cookie":           {EnvAuthCookie: "__Host-session_jwt"},
		"space-wide said":  {EnvPolicy: `{"roles":{"curator":{"grants":["begin_upload","delete_file","move_file","create_directory"],"spaceWide":true}}}`},
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
		})
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
		"function + upload_file": {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["upload_file"]}}}`}, "bypassed"},
		"bad confirm":            {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"confirm":"later"}}}`}, "confirm"},
		"bad space":              {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"space":"a/b"}}}`}, "space"},
		"prefix no slash":        {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"pathPrefix":"users/{sub}"}}}`}, "start and end"},
		"prefix traversal":       {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"pathPrefix":"/users/../{sub}/"}}}`}, "pathPrefix"},
		"prefix placeholder":     {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"pathPrefix":"/users/{user}/"}}}`}, "placeholders"},
		"zero size":              {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"maxFileSize":0}}}`}, "maxFileSize"},
		"short period":           {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"period":60}}}`}, "period"},
		"long period":            {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"period":604800}}}`}, "period"},
		"bad type":               {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":[],"allowedTypes":["images"]}}}`}, "allowedTypes"},
		"bad role name":          {map[string]string{EnvPolicy: `{"roles":{"a role":{"grants":[]}}}`}, "role name"},
		"prefixed delete_file":   {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["begin_upload","delete_file"]}}}`}, `"delete_file"`},
		"prefixed create_dir":    {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["create_directory"]}}}`}, "spaceWide"},
		"prefixed move_file":     {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["move_file_force"],"pathPrefix":"/teams/"}}}`}, "move_file_force"},
		"prefixed copy_dir":      {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["copy_directory"]}}}`}, "copy_directory"},
		"prefixed symlink":       {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["create_symlink_force"]}}}`}, "create_symlink_force"},
		"prefixed acl":           {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["acl"]}}}`}, `"acl"`},
		"prefixed recycled":      {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["restore_recycled"]}}}`}, "restore_recycled"},
		"prefixed history":       {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["delete_history"]}}}`}, "delete_history"},
		"prefixed set history":   {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["set_history_latest"]}}}`}, "set_history_latest"},
		"prefixed direct delete": {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["upload_file","delete_directory_permanent"],"confirm":"direct"}}}`}, "delete_directory_permanent"},
		"spaceWide not bool":     {map[string]string{EnvPolicy: `{"roles":{"u":{"grants":["acl"],"spaceWide":"yes"}}}`}, "POLICY"},
		"anonymous no uploader":  {map[string]string{EnvAuthMode: "anonymous", EnvDevMode: "1", EnvPolicy: `{"roles":{"u":{"grants":[]}}}`}, "uploader"},
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
			if strings.Contains(err.Error(), "library-secret") || strings.Contains(err.Error(), strings.Repeat("k", 32)) {
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
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", cfg.Auth), fmt.Sprintf("%s %q %v", cfg.LibrarySecret, cfg.LibrarySecret, cfg.Auth.HS256Secret)} {
		if strings.Contains(s, "library-secret") || strings.Contains(s, strings.Repeat("k", 32)) {
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
		r.MaxFileSize != 5<<30 || len(r.AllowedTypes) != 0 || r.Period != 3600 || r.Confirm != "function" {
		t.Fatalf("default policy %+v", r)
	}
	if err := p.validate(); err != nil {
		t.Fatal(err)
	}
}
