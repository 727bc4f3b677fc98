package function

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Policy maps the caller's role (a JWT claim) to what its browser token may do. It is the
// POLICY variable of interfaces.md §3:
//
//	{"roles":{"uploader":{"grants":["begin_upload"],"space":"-","pathPrefix":"/users/{sub}/",
//	  "maxFileSize":5368709120,"allowedTypes":[],"period":3600,"confirm":"function"}}}
//
// Everything the token answer carries comes from here and from the verified JWT, never from
// the request.
type Policy struct {
	Roles map[string]*Role `json:"roles"`
}

// Role is one role of a Policy. Fields left out of POLICY take the default role's values,
// except Grants, which must be given.
type Role struct {
	// Grants are SMH grants (interfaces.md §2) of the browser token.
	Grants []string `json:"grants"`
	// Space is "-" (single-tenant library), a fixed space id, or "{space}": the value of the
	// JWT's space claim.
	Space string `json:"space"`
	// PathPrefix is the caller's area, e.g. "/users/{sub}/"; {sub} is the JWT's sub and
	// {space} the resolved space. It must start and end with "/".
	PathPrefix string `json:"pathPrefix"`
	// MaxFileSize in bytes, enforced on confirm through the function.
	MaxFileSize int64 `json:"maxFileSize"`
	// AllowedTypes are extensions (".pdf") or MIME patterns ("image/*"); empty allows any.
	AllowedTypes []string `json:"allowedTypes"`
	// Period is the browser token's lifetime and sliding renewal window in seconds
	// (300..86400).
	Period int `json:"period"`
	// Confirm is "function" (uploads are completed through /v1/confirm, which enforces the
	// limits) or "direct" (the browser completes them; limits are advisory).
	Confirm string `json:"confirm"`
	// Mode is "brokered" (the function begins, renews, reads and completes every upload; the
	// browser gets only the byte targets of the one upload the policy approved, never an SMH
	// token) or "direct" (the browser gets an SMH token with Grants).
	Mode string `json:"mode"`
	// QuickUpload lets brokered uploads complete from their hashes when the library already
	// holds the bytes. A hit tells the caller that those bytes exist in the library, so a
	// role may turn it off. Default on.
	QuickUpload bool `json:"quickUpload"`
	// SpaceWide says that the role may hold grants that act on the whole space (delete,
	// move, copy, symlink, create_directory, acl, recycle bin, history) although its
	// pathPrefix confines its uploads: SMH cannot scope those grants to the prefix.
	SpaceWide bool `json:"spaceWide"`
	// MaxOpenUploads caps a caller's uploads open through the function at once (brokered
	// roles; 0: no cap). See quota.go.
	MaxOpenUploads int `json:"maxOpenUploads"`
	// QuotaBytes is the most bytes a caller may hold in the area: files stored under the
	// prefix plus uploads open through the function (brokered roles; 0: no quota).
	QuotaBytes int64 `json:"quotaBytes"`
	// Admin makes the role a backend's, not a browser's: it may call POST /v1/admin/{op}
	// for these operations ("*": all) of the provider (Gokuai's library operations), and
	// nothing else: no token, no upload.
	Admin []string `json:"admin"`
	// Library is the Gokuai library the role uploads into: an org_id, or "{member}" for
	// the caller's personal library (FERRY_PROVIDER=gokuai only; config_gokuai.go).
	Library string `json:"library"`
	// LibraryCapacity is the capacity in bytes a "{member}" library is created with
	// (-1: unlimited; 0: the service's default).
	LibraryCapacity int64 `json:"libraryCapacity"`
}

// isAdmin reports whether the role is an admin (backend) role.
func (r *Role) isAdmin() bool { return len(r.Admin) > 0 }

// Defaults of the default role (interfaces.md §3).
const (
	DefaultRoleName    = "uploader"
	DefaultSpace       = "-"
	DefaultPathPrefix  = "/users/{sub}/"
	DefaultMaxFileSize = int64(5) << 30
	DefaultPeriod      = 3600
	ConfirmFunction    = "function"
	ConfirmDirect      = "direct"
	ModeBrokered       = "brokered"
	ModeDirect         = "direct"
	// DefaultMode is the mode of roles that do not say: the browser never holds an SMH token.
	DefaultMode = ModeBrokered
	minPeriod   = 300
	maxPeriod   = 86400
)

// DefaultPolicy is the policy used when POLICY is unset: one role "uploader" that may begin
// uploads (not confirm them) under /users/{sub}/ in space "-", 5 GiB per file, any type,
// tokens for an hour, completed through the function.
func DefaultPolicy() *Policy {
	return &Policy{Roles: map[string]*Role{DefaultRoleName: defaultRole([]string{"begin_upload"})}}
}

func defaultRole(grants []string) *Role {
	return &Role{Grants: grants, Space: DefaultSpace, PathPrefix: DefaultPathPrefix,
		MaxFileSize: DefaultMaxFileSize, AllowedTypes: []string{}, Period: DefaultPeriod, Confirm: ConfirmFunction,
		Mode: DefaultMode, QuickUpload: true}
}

// ParsePolicy decodes POLICY strictly (unknown fields and trailing data are refused) and
// fills left-out role fields with the defaults. It does not validate: New does.
func ParsePolicy(s string) (*Policy, error) {
	type rawRole struct {
		Grants       *[]string `json:"grants"`
		Space        *string   `json:"space"`
		PathPrefix   *string   `json:"pathPrefix"`
		MaxFileSize  *int64    `json:"maxFileSize"`
		AllowedTypes *[]string `json:"allowedTypes"`
		Period       *int      `json:"period"`
		Confirm      *string   `json:"confirm"`
		SpaceWide    *bool     `json:"spaceWide"`
		Mode         *string   `json:"mode"`
		QuickUpload  *bool     `json:"quickUpload"`
		MaxOpen      *int      `json:"maxOpenUploads"`
		QuotaBytes   *int64    `json:"quotaBytes"`
		Admin        *[]string `json:"admin"`
		Library      *string   `json:"library"`
		LibraryCap   *int64    `json:"libraryCapacity"`
	}
	var raw struct {
		Roles map[string]*rawRole `json:"roles"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("POLICY is not valid JSON of the documented shape: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("POLICY: unexpected data after the JSON object")
	}
	p := &Policy{Roles: map[string]*Role{}}
	for name, rr := range raw.Roles {
		if rr == nil {
			return nil, fmt.Errorf("POLICY: role %q is null", name)
		}
		if rr.Grants == nil {
			return nil, fmt.Errorf("POLICY: role %q has no \"grants\" (use [] for a read-only token)", name)
		}
		r := defaultRole(*rr.Grants)
		if rr.Space != nil {
			r.Space = *rr.Space
		}
		if rr.PathPrefix != nil {
			r.PathPrefix = *rr.PathPrefix
		}
		if rr.MaxFileSize != nil {
			r.MaxFileSize = *rr.MaxFileSize
		}
		if rr.AllowedTypes != nil {
			r.AllowedTypes = *rr.AllowedTypes
		}
		if rr.Period != nil {
			r.Period = *rr.Period
		}
		if rr.Confirm != nil {
			r.Confirm = *rr.Confirm
		}
		if rr.SpaceWide != nil {
			r.SpaceWide = *rr.SpaceWide
		}
		if rr.Mode != nil {
			r.Mode = *rr.Mode
		}
		if rr.QuickUpload != nil {
			r.QuickUpload = *rr.QuickUpload
		}
		if rr.MaxOpen != nil {
			r.MaxOpenUploads = *rr.MaxOpen
		}
		if rr.QuotaBytes != nil {
			r.QuotaBytes = *rr.QuotaBytes
		}
		if rr.Admin != nil {
			r.Admin = *rr.Admin
		}
		if rr.Library != nil {
			r.Library = *rr.Library
		}
		if rr.LibraryCap != nil {
			r.LibraryCapacity = *rr.LibraryCap
		}
		p.Roles[name] = r
	}
	return p, nil
}

// validate checks a policy at start; the error names the role and the field.
func (p *Policy) validate() error {
	if p == nil || len(p.Roles) == 0 {
		return fmt.Errorf("POLICY has no roles")
	}
	for _, name := range p.roleNames() {
		r := p.Roles[name]
		if !validRoleName(name) {
			return fmt.Errorf("POLICY: role name %q: use 1-64 letters, digits, '_', '-', '.' or ':'", name)
		}
		if r == nil {
			return fmt.Errorf("POLICY: role %q is null", name)
		}
		if err := r.validate(); err != nil {
			return fmt.Errorf("POLICY: role %q: %w", name, err)
		}
	}
	return nil
}

func (r *Role) validate() error {
	if r.isAdmin() {
		// A backend's role: it never gets a token or an upload, so no grant applies.
		if len(r.Grants) > 0 {
			return fmt.Errorf("an admin role holds no grants (it never gets a token): use \"grants\": []")
		}
		return nil
	}
	seen := map[string]bool{}
	for _, g := range r.Grants {
		switch {
		case !knownGrants[g]:
			return fmt.Errorf("unknown grant %q (see the grant list of the SMH token API)", g)
		case libraryWideGrants[g]:
			return fmt.Errorf("grant %q gives rights over the whole library; browser tokens never get it", g)
		case seen[g]:
			return fmt.Errorf("grant %q listed twice", g)
		case spaceWideGrants[g] && r.PathPrefix != "/" && !r.SpaceWide:
			return fmt.Errorf("grant %q acts on every path of the space (SMH grants cannot be confined to a path), but pathPrefix %q confines the role; give the role \"spaceWide\": true if that is meant", g, r.PathPrefix)
		}
		seen[g] = true
	}
	if r.Space != "-" && r.Space != "{space}" && !validID(r.Space) {
		return fmt.Errorf("space %q: use \"-\", \"{space}\" or a space id", r.Space)
	}
	if _, err := prefixTemplate(r.PathPrefix); err != nil {
		return err
	}
	if r.MaxFileSize <= 0 {
		return fmt.Errorf("maxFileSize must be a positive number of bytes")
	}
	for _, a := range r.AllowedTypes {
		if err := checkTypePattern(a); err != nil {
			return err
		}
	}
	if r.Period < minPeriod || r.Period > maxPeriod {
		return fmt.Errorf("period %d: use %d..%d seconds (SMH tokens renew on every use, keep them short)", r.Period, minPeriod, maxPeriod)
	}
	if err := r.validateLimits(); err != nil {
		return err
	}
	switch r.Mode {
	case ModeBrokered:
		return r.validateBrokered()
	case ModeDirect:
	default:
		return fmt.Errorf("mode %q: use %q (the function runs every upload) or %q (the browser holds an SMH token)", r.Mode, ModeBrokered, ModeDirect)
	}
	switch r.Confirm {
	case ConfirmFunction:
		for _, g := range r.Grants {
			if confirmingGrants[g] {
				return fmt.Errorf("confirm is \"function\" but grant %q lets the browser confirm by itself, so the limits could be bypassed; use begin_upload or begin_upload_force", g)
			}
		}
	case ConfirmDirect:
	default:
		return fmt.Errorf("confirm %q: use \"function\" or \"direct\"", r.Confirm)
	}
	return nil
}

// brokeredGrants are what a brokered role's grants may name: the rights of the function's
// own server-side begin token (begin_upload_force lets the caller replace a file).
var brokeredGrants = map[string]bool{"begin_upload": true, "begin_upload_force": true}

func (r *Role) validateBrokered() error {
	if len(r.Grants) == 0 {
		return fmt.Errorf("mode %q needs the grant begin_upload (or begin_upload_force to allow replacing files)", ModeBrokered)
	}
	for _, g := range r.Grants {
		if !brokeredGrants[g] {
			return fmt.Errorf("grant %q: in mode %q the browser holds no SMH token, and the function begins uploads only; use begin_upload or begin_upload_force, or mode %q for other rights", g, ModeBrokered, ModeDirect)
		}
	}
	if r.Confirm != ConfirmFunction {
		return fmt.Errorf("confirm %q: in mode %q the function completes every upload", r.Confirm, ModeBrokered)
	}
	return nil
}

// mayReplace reports whether the role's uploads may replace an existing file.
func (r *Role) mayReplace() bool {
	for _, g := range r.Grants {
		if g == "begin_upload_force" || g == "upload_file_force" {
			return true
		}
	}
	return false
}

// prefixTemplate checks a pathPrefix template and returns its segments.
func prefixTemplate(t string) ([]string, error) {
	if !strings.HasPrefix(t, "/") || !strings.HasSuffix(t, "/") {
		return nil, fmt.Errorf("pathPrefix %q must start and end with \"/\"", t)
	}
	probe := strings.NewReplacer("{sub}", "x", "{space}", "x").Replace(t)
	if strings.ContainsAny(probe, "{}") {
		return nil, fmt.Errorf("pathPrefix %q: the only placeholders are {sub} and {space}", t)
	}
	segs, why := splitPath(probe)
	if why == "" && !nfkcStable(probe) {
		why = "it changes under Unicode NFKC (write it in its one normal spelling)"
	}
	if why != "" || strings.Contains(probe, "//") {
		if why == "" {
			why = "empty path segment"
		}
		return nil, fmt.Errorf("pathPrefix %q: %s", t, why)
	}
	return segs, nil
}

func (p *Policy) roleNames() []string {
	names := make([]string, 0, len(p.Roles))
	for n := range p.Roles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func validRoleName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.:", c) >= 0) {
			return false
		}
	}
	return true
}

// validID accepts SMH space ids and similar identifiers: 1-64 letters, digits, '-', '_'.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// scope is what a resolved caller may do: the role, its space and its area.
type scope struct {
	RoleName string
	Role     *Role
	Space    string
	Prefix   []string // segments of the expanded pathPrefix
}

// PrefixString renders the area as "/a/b/" ("/" for the whole space).
func (s *scope) PrefixString() string {
	if len(s.Prefix) == 0 {
		return "/"
	}
	return joinPath(s.Prefix) + "/"
}

// resolve picks the caller's role and space and expands the path prefix. requestedSpace
// ("" for none) is honoured only when the policy allows that space for this caller.
func (p *Policy) resolve(id *Identity, requestedSpace string) (*scope, error) {
	var name string
	for _, r := range id.Roles {
		if _, ok := p.Roles[r]; ok {
			name = r
			break
		}
	}
	if name == "" {
		if len(id.Roles) == 0 {
			return nil, errForbidden("the token carries no role claim")
		}
		return nil, errForbidden("no role of the token is in the policy")
	}
	role := p.Roles[name]
	space, err := resolveSpace(role.Space, id, requestedSpace)
	if err != nil {
		return nil, err
	}
	if why := checkSegment(id.Subject); why != "" || !validUserID(id.Subject) {
		return nil, errForbidden("the token's sub cannot be used as a user id and path segment")
	}
	if !nfkcStable(id.Subject) {
		return nil, errForbidden("the token's sub changes under Unicode NFKC (a look-alike of another user id)")
	}
	expanded := strings.NewReplacer("{sub}", id.Subject, "{space}", space).Replace(role.PathPrefix)
	segs, why := splitPath(expanded)
	if why != "" || strings.Contains(expanded, "//") {
		return nil, errForbidden("the token's claims do not give a valid path prefix")
	}
	return &scope{RoleName: name, Role: role, Space: space, Prefix: segs}, nil
}

func resolveSpace(rule string, id *Identity, requested string) (string, error) {
	switch rule {
	case "{space}":
		if len(id.Spaces) == 0 {
			return "", errForbidden("the policy takes the space from the token, and the token carries no space claim")
		}
		if requested == "" {
			if len(id.Spaces) > 1 {
				return "", errInvalid("the token names several spaces: say which in spaceId")
			}
			requested = id.Spaces[0]
		}
		for _, s := range id.Spaces {
			if s == requested && (validID(s) || s == "-") {
				return s, nil
			}
		}
		return "", errForbidden("space %q is not one of the caller's spaces", clip(requested))
	default:
		if requested != "" && requested != rule {
			return "", errForbidden("space %q is not the caller's space", clip(requested))
		}
		return rule, nil
	}
}

// validUserID keeps SMH user ids to printable text without the list separator ",".
func validUserID(s string) bool {
	if len(s) > 256 {
		return false
	}
	return !strings.ContainsAny(s, ",") && bytes.IndexFunc([]byte(s), func(r rune) bool { return r < 0x20 }) < 0
}

// clip shortens caller-supplied text quoted in messages.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
