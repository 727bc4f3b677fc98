package function

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Environment variable names, the same on every adapter (interfaces.md §3).
const (
	EnvAPIBase        = "SMH_API_BASE"
	EnvLibraryID      = "SMH_LIBRARY_ID"
	EnvLibrarySecret  = "SMH_LIBRARY_SECRET"
	EnvHS256Secret    = "AUTH_HS256_SECRET"
	EnvJWKSURL        = "AUTH_JWKS_URL"
	EnvIssuer         = "AUTH_ISSUER"
	EnvAudience       = "AUTH_AUDIENCE"
	EnvRoleClaim      = "AUTH_ROLE_CLAIM"
	EnvSpaceClaim     = "AUTH_SPACE_CLAIM"
	EnvAuthMode       = "AUTH_MODE"
	EnvAuthCookie     = "AUTH_COOKIE"
	EnvPolicy         = "POLICY"
	EnvAllowedOrigins = "ALLOWED_ORIGINS"
	EnvRateLimit      = "RATE_LIMIT"
	EnvWebhookURL     = "WEBHOOK_URL"
	EnvWebhookSecret  = "WEBHOOK_SECRET"
	EnvDevMode        = "DEV_MODE"
	EnvProvider       = "FERRY_PROVIDER"
	EnvTicketKey      = "FERRY_TICKET_KEY"
)

// ConfigFromLookup builds a Config from environment-style variables, read through lookup
// (os.LookupEnv natively; the runtime env and secrets on Workers), so that every adapter
// parses the same names the same way. An empty value counts as unset. It returns an error
// naming the variable for anything it cannot parse; New validates the rest.
func ConfigFromLookup(lookup func(string) (string, bool)) (Config, error) {
	var firstErr error
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	secret := func(name string) Secret {
		v, _ := lookup(name)
		if v != strings.TrimSpace(v) && firstErr == nil {
			firstErr = fmt.Errorf("%s has leading or trailing whitespace (a paste error?); remove it", name)
		}
		return Secret(v)
	}
	c := Config{
		APIBase:       get(EnvAPIBase),
		LibraryID:     get(EnvLibraryID),
		LibrarySecret: secret(EnvLibrarySecret),
		Auth: AuthConfig{
			Mode:        get(EnvAuthMode),
			HS256Secret: secret(EnvHS256Secret),
			JWKSURL:     get(EnvJWKSURL),
			Issuer:      get(EnvIssuer),
			Audience:    get(EnvAudience),
			RoleClaim:   get(EnvRoleClaim),
			SpaceClaim:  get(EnvSpaceClaim),
			Cookie:      get(EnvAuthCookie),
		},
		WebhookURL:    get(EnvWebhookURL),
		WebhookSecret: secret(EnvWebhookSecret),
		Provider:      get(EnvProvider),
		TicketKey:     secret(EnvTicketKey),
	}
	c.PDS = pdsFromLookup(lookup, get, secret)
	c.Gokuai = gokuaiFromLookup(get, secret)
	if firstErr != nil {
		return Config{}, firstErr
	}
	switch strings.ToLower(get(EnvDevMode)) {
	case "", "0", "false":
	case "1", "true":
		c.DevMode = true
	default:
		return Config{}, fmt.Errorf("%s %q: use 1 or 0", EnvDevMode, get(EnvDevMode))
	}
	if p := get(EnvPolicy); p != "" {
		pol, err := ParsePolicy(p)
		if err != nil {
			return Config{}, err
		}
		c.Policy = pol
	}
	for _, o := range strings.Split(get(EnvAllowedOrigins), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}
	if s := get(EnvRateLimit); s != "" {
		rl, err := ParseRateLimit(s)
		if err != nil {
			return Config{}, err
		}
		c.RateLimit = rl
	}
	return c, nil
}

// ParseRateLimit reads RATE_LIMIT: "N/s", "N/m" or "N/h" (N requests per second, minute or
// hour per user and instance, bursts up to N), or "off".
func ParseRateLimit(s string) (RateLimit, error) {
	if strings.EqualFold(s, "off") {
		return RateLimit{Off: true}, nil
	}
	n, unit, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(strings.TrimSpace(n))
	per := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[strings.TrimSpace(unit)]
	if !ok || err != nil || count <= 0 || count > 1_000_000 || per == 0 {
		return RateLimit{}, fmt.Errorf("%s %q: use N/s, N/m or N/h (e.g. 60/m), or off", EnvRateLimit, s)
	}
	return RateLimit{Requests: count, Per: per}, nil
}
