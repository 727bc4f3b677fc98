package function

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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

// validateGokuai checks the Gokuai settings and each browser role's library.
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
		if r := c.Policy.Roles[name]; !r.isAdmin() {
			if _, err := gokuaiLibrary(r); err != nil {
				return fmt.Errorf("POLICY: role %q: %w", name, err)
			}
		}
	}
	return nil
}

// gokuaiLibrary checks a browser role's Gokuai settings and returns its library.
func gokuaiLibrary(r *Role) (gokuai.Library, error) {
	if r.Library == "" {
		return gokuai.Library{}, fmt.Errorf(`with %s=gokuai a role names its "library": a library's org_id (like "12") or "{member}" (the caller's personal library)`, EnvProvider)
	}
	lib, err := gokuai.ParseLibrary(r.Library)
	switch {
	case err != nil:
		return lib, fmt.Errorf(`"library" %q: %w`, clip(r.Library), err)
	case r.LibraryCapacity != 0 && !lib.Member:
		return lib, fmt.Errorf(`"libraryCapacity" is the capacity a "{member}" library is created with; library %q exists already`, r.Library)
	case r.LibraryCapacity < -1:
		return lib, fmt.Errorf(`"libraryCapacity" %d: bytes, or -1 for no limit`, r.LibraryCapacity)
	case r.Mode != ModeBrokered:
		return lib, fmt.Errorf("mode %q: Gokuai's calls are signed with a secret, so its uploads are %q only", r.Mode, ModeBrokered)
	case r.Space != DefaultSpace:
		return lib, fmt.Errorf(`space %q: Gokuai has no spaces; use "-" (the role's "library" says where files go)`, r.Space)
	case !r.QuickUpload:
		// create_file needs the file's SHA-1, and stores content the enterprise holds from it.
		return lib, fmt.Errorf(`"quickUpload": false cannot be kept with Gokuai: it announces every file by its SHA-1 and stores content it already holds at once`)
	}
	lib.Capacity = r.LibraryCapacity
	return lib, nil
}

// validateAdmin checks the role fields only Gokuai serves: "library" and
// "libraryCapacity" (validateGokuai checks them), and the admin roles (Gokuai's
// operations only).
func (c *Config) validateAdmin() error {
	for _, name := range c.Policy.roleNames() {
		r := c.Policy.Roles[name]
		if c.Provider != ProviderGokuai && (r.Library != "" || r.LibraryCapacity != 0) {
			return fmt.Errorf("POLICY: role %q: \"library\" is for %s=gokuai (the Gokuai library it uploads into)", name, EnvProvider)
		}
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

// newGokuaiProvider builds the Gokuai provider of a validated config: every call, to the
// API and to upload servers, bounded by UpstreamTimeout.
func newGokuaiProvider(cfg Config) *gokuai.Provider {
	roles := map[string]gokuai.Library{}
	for name, r := range cfg.Policy.Roles {
		if !r.isAdmin() {
			roles[name], _ = gokuaiLibrary(r) // validated at start
		}
	}
	doer := gokuaiTimeout{next: gokuaihttp.Doer{Client: cfg.HTTPClient}, limit: cfg.UpstreamTimeout}
	return gokuai.New(&sharedgokuai.Client{BaseURL: cfg.Gokuai.APIBase, ClientID: cfg.Gokuai.ClientID,
		Secret: string(cfg.Gokuai.ClientSecret), Doer: doer, Now: cfg.Now}, gokuai.WithRoles(roles))
}

// gokuaiTimeout bounds each Gokuai call (the answer is read in full inside Do).
type gokuaiTimeout struct {
	next  sharedgokuai.Doer
	limit time.Duration
}

func (d gokuaiTimeout) Do(ctx context.Context, req *sharedgokuai.Request) (*sharedgokuai.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, d.limit)
	defer cancel()
	return d.next.Do(ctx, req)
}
