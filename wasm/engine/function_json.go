package engine

import "github.com/ferry-upload/ferry/shared/jsonx"

// Hand codecs of the token function's requests and answers (interfaces.md §3). The request
// bodies write their members in name order, as the maps they replace were written.

// tokenBody is POST /v1/token's body (and DELETE /v1/token's, with only the client id).
type tokenBody struct {
	ClientID  string `json:"clientId,omitempty"`
	SessionID string `json:"sessionId,omitempty"`
	SpaceID   string `json:"spaceId,omitempty"`
}

func (b *tokenBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.OptStr("clientId", b.ClientID)
	w.OptStr("sessionId", b.SessionID)
	w.OptStr("spaceId", b.SpaceID)
	w.ObjectEnd()
}

// confirmBody is POST confirmUrl's body.
type confirmBody struct {
	ConfirmKey string `json:"confirmKey"`
	CRC64      string `json:"crc64,omitempty"`
	SpaceID    string `json:"spaceId"`
}

func (b *confirmBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("confirmKey", b.ConfirmKey)
	w.OptStr("crc64", b.CRC64)
	w.Str("spaceId", b.SpaceID)
	w.ObjectEnd()
}

// directoryBody is POST directoryUrl's body.
type directoryBody struct {
	Path    string `json:"path"`
	SpaceID string `json:"spaceId"`
}

func (b *directoryBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("path", b.Path)
	w.Str("spaceId", b.SpaceID)
	w.ObjectEnd()
}

// functionErrorBody is the function's error answer.
type functionErrorBody struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	RequestID    string `json:"requestId"`
	ProviderCode string `json:"providerCode"`
}

func (b *functionErrorBody) DecodeJSON(f jsonx.Fields) {
	b.Code = f.Str("code")
	b.Message = f.Str("message")
	b.RequestID = f.Str("requestId")
	b.ProviderCode = f.Str("providerCode")
}

func (t *Token) DecodeJSON(f jsonx.Fields) {
	t.Provider = f.Str("provider")
	t.Mode = f.Str("mode")
	t.UploadsURL = f.Str("uploadsUrl")
	t.QuickUpload = f.Bool("quickUpload")
	t.AccessToken = f.Str("accessToken")
	t.ExpiresIn = f.Int("expiresIn")
	t.LibraryID = f.Str("libraryId")
	t.SpaceID = f.Str("spaceId")
	t.APIBase = f.Str("apiBase")
	t.UserID = f.Str("userId")
	t.Grants = f.Strings("grants")
	t.Confirm = f.Str("confirm")
	t.ConfirmURL = f.Str("confirmUrl")
	t.DirectoryURL = f.Str("directoryUrl")
	f.Decode("limits", &t.Limits)
}

func (l *Limits) DecodeJSON(f jsonx.Fields) {
	l.MaxFileSize = f.Int64("maxFileSize")
	l.AllowedTypes = f.Strings("allowedTypes")
	l.PathPrefix = f.Str("pathPrefix")
}
