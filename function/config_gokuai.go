package function

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ferry-upload/ferry/function/gokuai"
	sharedgokuai "github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuai/gokuaihttp"
)

// Environment variables of the Gokuai provider (interfaces.md §5.3).
const (
	EnvGokuaiAPIBase      = "GOKUAI_API_BASE"
	EnvGokuaiClientID     = "GOKUAI_CLIENT_ID"
	EnvGokuaiClientSecret = "GOKUAI_CLIENT_SECRET"
)

// GokuaiConfig is the Gokuai provider's configuration (FERRY_PROVIDER=gokuai).
type GokuaiConfig struct {
	// APIBase ends in /m-open, e.g. https://yk3.gokuai.com/m-open (GOKUAI_API_BASE).
	APIBase string
	// ClientID and ClientSecret are the enterprise's credentials: they sign every call.
	ClientID     string
	ClientSecret Secret
}

func gokuaiFromLookup(get func(string) string, secret func(string) Secret) GokuaiConfig {
	return GokuaiConfig{APIBase: get(EnvGokuaiAPIBase), ClientID: get(EnvGokuaiClientID),
		ClientSecret: secret(EnvGokuaiClientSecret)}
}

// validateGokuai checks the Gokuai settings. Uploads into Gokuai are not built yet, so
// every role must be an admin role.
func (c *Config) validateGokuai() error {
	g := &c.Gokuai
	g.APIBase = strings.TrimRight(g.APIBase, "/")
	if err := c.checkURL(EnvGokuaiAPIBase, g.APIBase, false); err != nil {
		return err
	}
	if !strings.HasSuffix(g.APIBase, "/m-open") {
		return fmt.Errorf("%s %q: the open API's base ends in /m-open, like https://yk3.gokuai.com/m-open", EnvGokuaiAPIBase, g.APIBase)
	}
	if g.ClientID == "" || g.ClientSecret == "" {
		return fmt.Errorf("%s and %s are required: the enterprise credentials sign every call", EnvGokuaiClientID, EnvGokuaiClientSecret)
	}
	for _, name := range c.Policy.roleNames() {
		if !c.Policy.Roles[name].isAdmin() {
			return fmt.Errorf("POLICY: role %q: with %s=gokuai only admin roles are served for now (browser uploads into Gokuai are not built yet)", name, EnvProvider)
		}
	}
	return nil
}

// validateAdmin checks the admin roles: Gokuai's operations only, and only with Gokuai.
func (c *Config) validateAdmin() error {
	for _, name := range c.Policy.roleNames() {
		r := c.Policy.Roles[name]
		if !r.isAdmin() {
			continue
		}
		if c.Provider != ProviderGokuai {
			return fmt.Errorf("POLICY: role %q: \"admin\" is for %s=gokuai (its library operations)", name, EnvProvider)
		}
		for _, op := range r.Admin {
			if op != "*" && !slices.Contains(gokuai.AdminOps, op) {
				return fmt.Errorf("POLICY: role %q: admin operation %q: use \"*\" or some of %v", name, op, gokuai.AdminOps)
			}
		}
	}
	return nil
}

func newGokuaiProvider(cfg Config) *gokuai.Provider {
	return gokuai.New(&sharedgokuai.Client{BaseURL: cfg.Gokuai.APIBase, ClientID: cfg.Gokuai.ClientID,
		Secret: string(cfg.Gokuai.ClientSecret), Doer: gokuaihttp.Doer{Client: cfg.HTTPClient}, Now: cfg.Now})
}
