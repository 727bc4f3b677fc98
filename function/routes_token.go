package function

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"

	smhprovider "github.com/ferry-upload/ferry/function/smh"
)

// tokenAnswer is the answer of POST /v1/token (interfaces.md §3).
type tokenAnswer struct {
	Provider     string   `json:"provider"`
	Mode         string   `json:"mode"`
	AccessToken  string   `json:"accessToken"`
	ExpiresIn    int      `json:"expiresIn"`
	LibraryID    string   `json:"libraryId"`
	SpaceID      string   `json:"spaceId"`
	APIBase      string   `json:"apiBase"`
	UserID       string   `json:"userId"`
	Grants       []string `json:"grants"`
	Confirm      string   `json:"confirm"`
	ConfirmURL   string   `json:"confirmUrl"`
	DirectoryURL string   `json:"directoryUrl"`
	Limits       limits   `json:"limits"`
}

// brokeredAnswer is the answer of POST /v1/token for a brokered role (interfaces.md §5.2):
// where to begin uploads, and no provider credential at all.
type brokeredAnswer struct {
	Provider     string `json:"provider"`
	Mode         string `json:"mode"`
	UserID       string `json:"userId"`
	LibraryID    string `json:"libraryId"`
	SpaceID      string `json:"spaceId"`
	UploadsURL   string `json:"uploadsUrl"`
	DirectoryURL string `json:"directoryUrl"`
	Limits       limits `json:"limits"`
	QuickUpload  bool   `json:"quickUpload"`
	// ExpiresIn is how long the answer may be reused (the role's period, cut to the JWT).
	ExpiresIn int `json:"expiresIn"`
}

type limits struct {
	MaxFileSize  int64    `json:"maxFileSize"`
	AllowedTypes []string `json:"allowedTypes"`
	PathPrefix   string   `json:"pathPrefix"`
	// Brokered roles' per-caller limits, when set (quota.go).
	MaxOpenUploads int   `json:"maxOpenUploads,omitempty"`
	QuotaBytes     int64 `json:"quotaBytes,omitempty"`
}

// postToken issues a browser token: grants, space, period and area come from the policy
// and the verified JWT; the body may only pick one of the caller's spaces and name the
// client and session (for later revocation).
func (h *handler) postToken(w http.ResponseWriter, r *http.Request) error {
	id, err := h.authenticate(r)
	if err != nil {
		return err
	}
	var spaceID, clientID, sessionID string
	if err := readBody(w, r, true, map[string]*string{"spaceId": &spaceID, "clientId": &clientID, "sessionId": &sessionID}); err != nil {
		return err
	}
	if err := checkOptionalIDs(spaceID, clientID, sessionID); err != nil {
		return err
	}
	sc, err := h.resolve(r, id, spaceID)
	if err != nil {
		return err
	}
	role := sc.Role
	lim := limits{MaxFileSize: role.MaxFileSize, AllowedTypes: nonNil(role.AllowedTypes), PathPrefix: sc.PrefixString(),
		MaxOpenUploads: role.MaxOpenUploads, QuotaBytes: role.QuotaBytes}
	if role.Mode == ModeBrokered {
		expires := role.Period
		if !id.Expires.IsZero() {
			expires = max(1, min(expires, int(id.Expires.Sub(h.cfg.Now())/time.Second)))
		}
		writeJSON(w, http.StatusOK, brokeredAnswer{Provider: h.provider.Name(), Mode: ModeBrokered, UserID: id.Subject,
			LibraryID: h.provider.Library(), SpaceID: sc.Space, UploadsURL: publicURL(r, routeUploads),
			DirectoryURL: publicURL(r, "/v1/directory"), Limits: lim, QuickUpload: role.QuickUpload, ExpiresIn: expires})
		return nil
	}
	period := tokenPeriod(role.Period, id.Expires, h.cfg.Now())
	req := smh.TokenRequest{Secret: string(h.cfg.LibrarySecret), UserID: id.Subject, ClientID: clientID,
		SessionID: sessionID, Period: period, Grants: role.Grants}
	if sc.Space != "-" {
		req.SpaceIDs = []string{sc.Space}
	}
	l := logOf(r.Context())
	l.grants = nonNil(role.Grants)
	l.add(slog.Int("period", period))
	if clientID != "" {
		l.add(slog.String("clientId", clientID))
	}
	tok, err := h.smh.CreateToken(r.Context(), req)
	if err != nil {
		return smhprovider.Upstream("creating the access token", err)
	}
	l.add(slog.Int("expiresIn", tok.ExpiresIn))
	writeJSON(w, http.StatusOK, tokenAnswer{
		Provider:     ProviderSMH,
		Mode:         ModeDirect,
		AccessToken:  tok.AccessToken,
		ExpiresIn:    tok.ExpiresIn,
		LibraryID:    h.cfg.LibraryID,
		SpaceID:      sc.Space,
		APIBase:      h.cfg.APIBase,
		UserID:       id.Subject,
		Grants:       nonNil(role.Grants),
		Confirm:      role.Confirm,
		ConfirmURL:   publicURL(r, "/v1/confirm"),
		DirectoryURL: publicURL(r, "/v1/directory"),
		Limits:       lim,
	})
	return nil
}

// tokenPeriod is the role's period, cut to what is left of the caller's JWT (SMH's
// minimum of 300 s aside), so a token minted for a JWT does not outlive it. Note that SMH
// renews a token's period on every use: a token in steady use can still outlive the JWT,
// which only brokered uploads (no token in the browser) remove.
func tokenPeriod(rolePeriod int, jwtExpires, now time.Time) int {
	if jwtExpires.IsZero() {
		return rolePeriod
	}
	left := int(jwtExpires.Sub(now) / time.Second)
	return max(minPeriod, min(rolePeriod, left))
}

// checkOptionalIDs validates caller-chosen ids: a space id, and client and session ids
// that SMH stores and matches in comma-separated lists.
func checkOptionalIDs(spaceID, clientID, sessionID string) error {
	if spaceID != "" && spaceID != "-" && !validID(spaceID) {
		return errInvalid("spaceId: 1-64 letters, digits, '-' or '_'")
	}
	for name, v := range map[string]string{"clientId": clientID, "sessionId": sessionID} {
		if v != "" && !validOpaqueID(v) {
			return errInvalid("%s: 1-128 letters, digits or . _ : @ -", name)
		}
	}
	return nil
}

func validOpaqueID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._:@-", c) >= 0) {
			return false
		}
	}
	return true
}

// publicURL is the absolute URL of one of our routes as the caller reached us: the
// scheme and host of the request (X-Forwarded-Proto and X-Forwarded-Prefix honoured, for
// proxies and API Gateway stages). It only shapes the caller's own answer.
func publicURL(r *http.Request, route string) string {
	scheme := r.URL.Scheme
	if scheme == "" {
		scheme = "http"
		if r.TLS != nil {
			scheme = "https"
		}
		if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
			scheme = p
		}
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	prefix := r.Header.Get("X-Forwarded-Prefix")
	if _, why := splitPath(prefix); why != "" || !strings.HasPrefix(prefix, "/") {
		prefix = ""
	}
	return scheme + "://" + host + strings.TrimSuffix(prefix, "/") + route
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
