// Package gokuai is the token function's Gokuai provider (interfaces.md §5, provider-apis.md
// §3). Every Gokuai call is signed with a shared secret, so none may be made in a browser:
// the function holds the enterprise credentials and makes the calls.
//
// It serves the admin operations (the 21 library operations of seed 001) for the host
// application's backend, and brokered uploads into a library (upload.go): the function
// announces each file with create_file, signed with the library's credential after the
// policy check, and opens its session on the upload server; the browser only PUTs the byte
// ranges of the targets it is handed (upload_part, with no secret). Library credentials
// come from bind and stay in the function (library.go).
package gokuai

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/gokuai"
)

// Name is the provider id of FERRY_PROVIDER.
const Name = "gokuai"

// AdminOps are the operations POST /v1/admin/{op} can make, by their API names.
var AdminOps = []string{
	"create", "set", "info", "search", "info_by_member", "set_by_member", "ls", "bind", "unbind",
	"get_members", "get_member", "add_member", "set_member_role", "del_member",
	"get_groups", "add_group", "del_group", "set_group_role", "set_owner", "destroy", "log",
}

// reserved are the parameters the function sets itself: a caller naming one would sign as
// another credential or replay a dateline. (unbind names the library credential it revokes
// in org_client_id: that one is its business parameter.)
var reserved = []string{"client_id", "org_client_id", "dateline", "sign"}

// Provider is the Gokuai provider.
type Provider struct {
	client *gokuai.Client       // the enterprise credential (GOKUAI_CLIENT_ID / _SECRET)
	roles  map[string]Library   // each browser role's library
	creds  cache[int64, cred]   // org_id → its library credential (bind)
	orgs   cache[string, int64] // JWT sub → its personal library's org_id
	now    func() time.Time
	// pauses are the waits between upload_finish calls while Gokuai assembles a file.
	pauses []time.Duration
	sleep  func(context.Context, time.Duration) error
}

// Option configures a Provider.
type Option func(*Provider)

// WithRoles names each browser role's library.
func WithRoles(roles map[string]Library) Option { return func(p *Provider) { p.roles = roles } }

// WithFinishPauses sets the waits between upload_finish calls answered 202 (assembling).
func WithFinishPauses(d []time.Duration) Option { return func(p *Provider) { p.pauses = d } }

// New returns the provider acting with the enterprise client.
func New(client *gokuai.Client, opts ...Option) *Provider {
	p := &Provider{client: client, now: client.Now, pauses: finishPauses, sleep: provider.Sleep}
	if p.now == nil {
		p.now = time.Now
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

func (p *Provider) Name() string    { return Name }
func (p *Provider) Library() string { return p.client.ClientID }

// Admin makes op with params (the caller's business parameters) and returns Gokuai's
// answer. A library credential in an answer (bind's org_client_secret) is never returned:
// the function keeps such credentials to itself.
func (p *Provider) Admin(ctx context.Context, op string, params map[string]string) (json.RawMessage, error) {
	if !slices.Contains(AdminOps, op) {
		return nil, provider.Invalid("%q is not one of Gokuai's library operations", op)
	}
	for _, k := range reserved {
		if _, ok := params[k]; ok && !(op == "unbind" && k == "org_client_id") {
			return nil, provider.Invalid("parameter %q is the function's to set, not the caller's", k)
		}
	}
	var out json.RawMessage
	if err := p.client.Call(ctx, op, "/1/org/"+op, gokuai.Params(params), &out); err != nil {
		return nil, upstream(op, err)
	}
	if op == "bind" {
		var b struct {
			OrgClientID string `json:"org_client_id"`
		}
		if json.Unmarshal(out, &b) != nil || b.OrgClientID == "" {
			return nil, provider.Upstream(op, provider.CodeUnexpected, "the answer has no org_client_id", nil)
		}
		out, _ = json.Marshal(map[string]any{"org_client_id": b.OrgClientID, "bound": true})
	}
	if len(out) == 0 {
		out = json.RawMessage("{}")
	}
	return out, nil
}

// upstream maps a Gokuai failure of an admin operation: the caller's mistakes to
// 400/403/404, the rest to 502, with Gokuai's stable code beside.
func upstream(op string, err error) error {
	var ge *gokuai.Error
	if !errors.As(err, &ge) {
		return provider.Upstream(op, "", "Gokuai could not be reached", err)
	}
	e := &provider.Error{Code: provider.CodeUpstreamError, Status: 502, Message: op + ": Gokuai answered " + ge.Code,
		ProviderCode: ge.Code, Cause: err}
	switch ge.Code {
	case gokuai.CodeInvalidParameter, gokuai.CodeInvalidArgument:
		e.Code, e.Status, e.Message = provider.CodeInvalidRequest, 400, op+": "+ge.Message
	case gokuai.CodeForbidden, gokuai.CodeOwnerNotRemovable:
		e.Code, e.Status = provider.CodeForbidden, 403
	case gokuai.CodeLibraryNotFound, gokuai.CodeMemberNotFound, gokuai.CodeGroupNotFound, gokuai.CodeRoleNotFound,
		gokuai.CodeBindingNotFound:
		e.Code, e.Status = provider.CodeInvalidRequest, 404
	}
	return e
}
