package function

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Secret is a string that never prints: fmt, slog and encoding/json render it as
// "[redacted]", so a Config in a log line or a panic cannot leak it.
type Secret string

func (Secret) String() string                 { return "[redacted]" }
func (Secret) GoString() string               { return `"[redacted]"` }
func (Secret) LogValue() slog.Value           { return slog.StringValue("[redacted]") }
func (Secret) MarshalJSON() ([]byte, error)   { return []byte(`"[redacted]"`), nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// AuthConfig says how callers are authenticated.
type AuthConfig struct {
	// Mode is AuthJWT (default) or AuthAnonymous (only with DevMode).
	Mode string
	// HS256Secret verifies HS256 JWTs (at least 32 bytes). Exclusive with JWKSURL.
	HS256Secret Secret
	// JWKSURL is where RS256/ES256 verification keys are fetched from. Exclusive with
	// HS256Secret.
	JWKSURL string
	// Issuer and Audience, when set, must match the JWT's iss and aud.
	Issuer, Audience string
	// RoleClaim (default "role") and SpaceClaim (default "space") name the claims that pick
	// the policy role and the {space} value.
	RoleClaim, SpaceClaim string
	// Cookie, when set, names a "__Host-" cookie that may carry the JWT instead of the
	// Authorization header; such requests need an allowed Origin, and a request carrying the
	// cookie twice is refused.
	Cookie string
	// Leeway is the clock skew allowed on exp and nbf (default 30 s, at most 5 min).
	Leeway time.Duration
}

// RateLimit is the per-user request budget of one instance: Requests per Per, with bursts
// up to Requests. The zero value means the default, 60 per minute.
type RateLimit struct {
	Requests int
	Per      time.Duration
	Off      bool // no limit at all
}

// Providers (FERRY_PROVIDER).
const (
	ProviderSMH    = "smh"
	ProviderPDS    = "pds"
	ProviderGokuai = "gokuai"
)

// Config is everything the function needs. Adapters fill it with ConfigFromLookup; New
// validates it and refuses to start on anything unsafe or unknown.
type Config struct {
	// Provider is the library service (FERRY_PROVIDER): "smh" (default), "pds" or "gokuai".
	Provider string
	// PDS configures the PDS provider (FERRY_PROVIDER=pds); the SMH_* fields are then unused.
	PDS PDSConfig
	// Gokuai configures the Gokuai provider (FERRY_PROVIDER=gokuai).
	Gokuai GokuaiConfig
	// TicketKey seals upload tickets (FERRY_TICKET_KEY, at least 32 bytes). Every instance
	// must hold the same key. Required when a role is brokered, except in DevMode, where a
	// random per-process key is used.
	TicketKey Secret
	// APIBase is the SMH API base (SMH_API_BASE), e.g. https://smhxxx.api.tencentsmh.cn.
	// It is also handed to browsers as apiBase.
	APIBase string
	// LibraryID and LibrarySecret identify the library (SMH_LIBRARY_ID, SMH_LIBRARY_SECRET).
	LibraryID     string
	LibrarySecret Secret
	Auth          AuthConfig
	// Policy maps roles to grants; nil means DefaultPolicy().
	Policy *Policy
	// AllowedOrigins are exact browser origins (scheme://host[:port]). "*" only in DevMode.
	AllowedOrigins []string
	RateLimit      RateLimit
	// WebhookURL, when set, receives a signed POST after each confirm through the function.
	WebhookURL    string
	WebhookSecret Secret
	// DevMode allows what only development needs: anonymous callers, any origin ("*"),
	// plain-http URLs to hosts other than loopback.
	DevMode bool

	// HTTPClient makes every outbound request (SMH, JWKS, webhook). nil means a client that
	// follows no redirects. On Workers, pass the fetch-backed client.
	HTTPClient *http.Client
	// Logger receives one JSON line per request; nil means a JSON handler on stderr.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Usage counts each caller's open brokered uploads for the roles' maxOpenUploads and
	// quotaBytes. nil means counts in process memory, per instance; plug a shared store for
	// one count across instances.
	Usage UsageStore
	// Background runs work that may outlive the answer (webhook delivery), e.g. a goroutine
	// locally or waitUntil on Workers. nil means such work runs before answering (Lambda).
	Background func(task func())
	// UpstreamTimeout bounds each SMH call (default 10 s); network errors and 5xx answers are
	// retried once.
	UpstreamTimeout time.Duration
}

// String keeps Config printable without its secrets.
func (c Config) String() string {
	return fmt.Sprintf("function.Config{APIBase:%q LibraryID:%q Auth:%s Origins:%q DevMode:%v}",
		c.APIBase, c.LibraryID, c.Auth.Mode, c.AllowedOrigins, c.DevMode)
}

// GoString is String, so %#v cannot print secrets either.
func (c Config) GoString() string { return c.String() }

const (
	defaultUpstreamTimeout = 10 * time.Second
	minHS256Secret         = 32
	minWebhookSecret       = 16
	hostCookiePrefix       = "__Host-"
)

// withDefaults fills unset fields and validates; the returned Config is ready to use.
func (c Config) withDefaults() (Config, error) {
	if c.Auth.Mode == "" {
		c.Auth.Mode = AuthJWT
	}
	if c.Auth.RoleClaim == "" {
		c.Auth.RoleClaim = "role"
	}
	if c.Auth.SpaceClaim == "" {
		c.Auth.SpaceClaim = "space"
	}
	if c.Auth.Leeway == 0 {
		c.Auth.Leeway = DefaultLeeway
	}
	if c.Policy == nil {
		c.Policy = DefaultPolicy()
	}
	if c.RateLimit == (RateLimit{}) {
		c.RateLimit = RateLimit{Requests: 60, Per: time.Minute}
	}
	if c.UpstreamTimeout == 0 {
		c.UpstreamTimeout = defaultUpstreamTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Usage == nil {
		c.Usage = newMemoryUsage(c.Now)
	}
	if c.Provider == "" {
		c.Provider = ProviderSMH
	}
	c.APIBase = strings.TrimRight(c.APIBase, "/")
	return c, c.validate()
}

func (c *Config) validate() error {
	if err := c.Policy.validate(); err != nil {
		return err
	}
	switch c.Provider {
	case ProviderSMH:
		if err := c.checkURL(EnvAPIBase, c.APIBase, true); err != nil {
			return err
		}
		if !validID(c.LibraryID) {
			return fmt.Errorf("%s %q: use the library id (1-64 letters, digits, '-', '_')", EnvLibraryID, c.LibraryID)
		}
		if c.LibrarySecret == "" {
			return fmt.Errorf("%s is empty: the function cannot mint tokens without it", EnvLibrarySecret)
		}
	case ProviderPDS:
		if err := c.validatePDS(); err != nil {
			return err
		}
	case ProviderGokuai:
		if err := c.validateGokuai(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%s %q: use %q, %q or %q", EnvProvider, c.Provider, ProviderSMH, ProviderPDS, ProviderGokuai)
	}
	if err := c.validateAdmin(); err != nil {
		return err
	}
	if err := c.validateAuth(); err != nil {
		return err
	}
	if err := c.validateTicketKey(); err != nil {
		return err
	}
	if c.Auth.Mode == AuthAnonymous && c.Policy.Roles[DefaultRoleName] == nil {
		return fmt.Errorf("%s=anonymous gives every caller the role %q, which POLICY lacks", EnvAuthMode, DefaultRoleName)
	}
	for _, o := range c.AllowedOrigins {
		if err := c.checkOrigin(o); err != nil {
			return err
		}
	}
	rl := c.RateLimit
	if !rl.Off && (rl.Requests <= 0 || rl.Per <= 0) {
		return fmt.Errorf("%s: give a positive count and period, like 60/m", EnvRateLimit)
	}
	switch {
	case c.WebhookURL != "" && len(c.WebhookSecret) < minWebhookSecret:
		return fmt.Errorf("%s is set, so %s must be at least %d bytes (receivers verify the signature with it)", EnvWebhookURL, EnvWebhookSecret, minWebhookSecret)
	case c.WebhookURL == "" && c.WebhookSecret != "":
		return fmt.Errorf("%s is set without %s", EnvWebhookSecret, EnvWebhookURL)
	case c.WebhookURL != "":
		if err := c.checkURL(EnvWebhookURL, c.WebhookURL, false); err != nil {
			return err
		}
	}
	if c.UpstreamTimeout < 0 {
		return errors.New("UpstreamTimeout is negative")
	}
	return nil
}

func (c *Config) validateTicketKey() error {
	brokered := false
	for _, r := range c.Policy.Roles {
		brokered = brokered || r.Mode == ModeBrokered
	}
	switch {
	case c.TicketKey != "" && len(c.TicketKey) < minTicketKey:
		return fmt.Errorf("%s is %d bytes; use at least %d random bytes (the same on every instance)", EnvTicketKey, len(c.TicketKey), minTicketKey)
	case c.TicketKey != "" && (c.TicketKey == c.LibrarySecret || c.TicketKey == c.Auth.HS256Secret || c.TicketKey == c.WebhookSecret):
		return fmt.Errorf("%s must be a secret of its own, not another variable's", EnvTicketKey)
	case c.TicketKey == "" && brokered && !c.DevMode:
		return fmt.Errorf("%s is required: brokered roles hand out upload tickets sealed with it (at least %d random bytes, the same on every instance)", EnvTicketKey, minTicketKey)
	}
	return nil
}

func (c *Config) validateAuth() error {
	a := &c.Auth
	if a.Leeway < 0 || a.Leeway > 5*time.Minute {
		return errors.New("the JWT leeway must be between 0 and 5 minutes")
	}
	switch a.Mode {
	case AuthAnonymous:
		if !c.DevMode {
			return fmt.Errorf("%s=anonymous lets anyone obtain tokens: it is allowed only with %s=1 (development)", EnvAuthMode, EnvDevMode)
		}
		return nil
	case AuthJWT:
	default:
		return fmt.Errorf("%s %q: use %q (default) or %q (development only)", EnvAuthMode, a.Mode, AuthJWT, AuthAnonymous)
	}
	switch {
	case a.HS256Secret == "" && a.JWKSURL == "":
		return fmt.Errorf("%s=jwt needs %s (HS256) or %s (RS256/ES256)", EnvAuthMode, EnvHS256Secret, EnvJWKSURL)
	case a.HS256Secret != "" && a.JWKSURL != "":
		return fmt.Errorf("set %s or %s, not both: the algorithms are pinned by which one is set", EnvHS256Secret, EnvJWKSURL)
	case a.HS256Secret != "" && len(a.HS256Secret) < minHS256Secret:
		return fmt.Errorf("%s is %d bytes; use at least %d random bytes", EnvHS256Secret, len(a.HS256Secret), minHS256Secret)
	case a.HS256Secret != "" && a.HS256Secret == c.LibrarySecret:
		return fmt.Errorf("%s must not be the library secret", EnvHS256Secret)
	case a.JWKSURL != "":
		if err := c.checkURL(EnvJWKSURL, a.JWKSURL, false); err != nil {
			return err
		}
		// An identity provider's keys usually sign tokens for other applications too: without
		// both checks, any token it issued for any of them would be accepted here.
		if a.Issuer == "" || a.Audience == "" {
			return fmt.Errorf("%s is set, so %s and %s are required: a shared identity provider signs tokens for other applications too", EnvJWKSURL, EnvIssuer, EnvAudience)
		}
	}
	if !claimName(a.RoleClaim) || !claimName(a.SpaceClaim) {
		return fmt.Errorf("%s and %s must be claim names", EnvRoleClaim, EnvSpaceClaim)
	}
	if a.Cookie != "" && !cookieName(a.Cookie) {
		return fmt.Errorf("%s %q is not a cookie name", EnvAuthCookie, a.Cookie)
	}
	if a.Cookie != "" && (!strings.HasPrefix(a.Cookie, hostCookiePrefix) || a.Cookie == hostCookiePrefix) {
		return fmt.Errorf("%s %q must start with %q: browsers keep such a cookie to its own host (Secure, Path=/, no Domain), so a sibling subdomain cannot plant one", EnvAuthCookie, a.Cookie, hostCookiePrefix)
	}
	return nil
}

// checkURL accepts https URLs, and plain http only to loopback hosts (or anywhere in
// DevMode): the token API carries the library secret in its query string.
func (c *Config) checkURL(name, raw string, base bool) error {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return fmt.Errorf("%s %q is not an absolute http(s) URL", name, raw)
	}
	if base && (u.RawQuery != "" || u.Path != "") {
		return fmt.Errorf("%s %q: give only scheme and host, like https://smhxxx.api.tencentsmh.cn", name, raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !c.DevMode && !isLoopback(u.Hostname()) {
			return fmt.Errorf("%s %q: plain http is allowed only to loopback hosts (or with %s=1)", name, raw, EnvDevMode)
		}
	default:
		return fmt.Errorf("%s %q: the scheme must be https", name, raw)
	}
	return nil
}

// checkOrigin accepts exact origins only: scheme://host[:port], lower case, no path.
func (c *Config) checkOrigin(o string) error {
	if o == "*" {
		if !c.DevMode {
			return fmt.Errorf("%s: \"*\" would let any site obtain tokens; list exact origins (\"*\" only with %s=1)", EnvAllowedOrigins, EnvDevMode)
		}
		return nil
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Path != "" ||
		u.Scheme+"://"+strings.ToLower(u.Host) != o || strings.Contains(o, "*") {
		return fmt.Errorf("%s: %q is not an exact origin like https://app.example.com (no path, no trailing slash, no wildcard, lower case)", EnvAllowedOrigins, o)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !c.DevMode && !isLoopback(u.Hostname()) {
			return fmt.Errorf("%s: %q: plain http origins are allowed only for loopback hosts (or with %s=1)", EnvAllowedOrigins, o, EnvDevMode)
		}
	default:
		return fmt.Errorf("%s: %q: the scheme must be https", EnvAllowedOrigins, o)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func claimName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

func cookieName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}
