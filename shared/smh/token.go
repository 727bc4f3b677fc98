package smh

import (
	"context"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/urlx"
)

// TokenRequest asks for an access token. Secret is the library secret: server side only.
type TokenRequest struct {
	Secret     string
	SpaceIDs   []string // empty for single-tenant libraries
	UserID     string
	ClientID   string
	SessionID  string
	Period     int              // seconds; 0 = the service default
	Grants     []string         // empty = read-only
	AttachInfo jsonx.RawMessage // a JSON object, sent as given (compacted); nil = none
}

// CreateToken calls POST /api/v1/token. The secret travels in the query string, as the
// API requires; errors never include the URL.
func (c *Client) CreateToken(ctx context.Context, r TokenRequest) (*Token, error) {
	for _, id := range r.SpaceIDs {
		if id == "" || strings.Contains(id, ",") {
			return nil, invalid("create token: space id %q is empty or holds a comma", id)
		}
	}
	q := urlx.Values{"library_id": {c.LibraryID}, "library_secret": {r.Secret}}
	setIf(q, "space_id", strings.Join(r.SpaceIDs, ","))
	setIf(q, "user_id", r.UserID)
	setIf(q, "client_id", r.ClientID)
	setIf(q, "session_id", r.SessionID)
	if r.Period > 0 {
		q.Set("period", strconv.Itoa(r.Period))
	}
	setIf(q, "grant", strings.Join(r.Grants, ","))
	req := &Request{Method: "POST", URL: c.BaseURL + "/api/v1/token" + encodeQuery(q), Header: map[string]string{}}
	if r.AttachInfo != nil {
		body, err := tokenBodyOf(r.AttachInfo)
		if err != nil {
			return nil, err
		}
		req = jsonRequest("POST", req.URL, "", body)
		delete(req.Header, "Authorization")
	}
	var tok Token
	if _, err := c.call(ctx, "create token", req, &tok); err != nil {
		return nil, err
	}
	return &tok, nil
}

// DeleteTokens revokes every token of the given users, narrowed (AND) by client and
// session ids when given.
func (c *Client) DeleteTokens(ctx context.Context, secret string, userIDs, clientIDs, sessionIDs []string) error {
	if len(userIDs) == 0 {
		return invalid("delete tokens: at least one user id is required")
	}
	// The API takes comma lists: an id holding a comma would widen the revocation.
	for _, ids := range [][]string{userIDs, clientIDs, sessionIDs} {
		for _, id := range ids {
			if id == "" || strings.Contains(id, ",") {
				return invalid("delete tokens: id %q is empty or holds a comma", id)
			}
		}
	}
	q := urlx.Values{"library_secret": {secret}, "user_id": {strings.Join(userIDs, ",")}}
	setIf(q, "client_id", strings.Join(clientIDs, ","))
	setIf(q, "session_id", strings.Join(sessionIDs, ","))
	req := &Request{Method: "DELETE", URL: c.BaseURL + "/api/v1/token/" + urlx.PathEscape(c.LibraryID) + encodeQuery(q)}
	_, err := c.call(ctx, "delete tokens", req, nil)
	return err
}

// DeleteToken revokes one token (no secret needed).
func (c *Client) DeleteToken(ctx context.Context, token string) error {
	req := &Request{Method: "DELETE", URL: c.BaseURL + "/api/v1/token/" + urlx.PathEscape(c.LibraryID) + "/" + urlx.PathEscape(token)}
	_, err := c.call(ctx, "delete token", req, nil)
	return err
}

func setIf(q urlx.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}
