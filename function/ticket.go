package function

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Upload tickets (interfaces.md §5.2): the opaque {id} of /v1/uploads/{id}. A ticket binds
// one approved upload to its caller: provider, library, space, caller sub, target path,
// declared size, the provider's own handle of the upload (never shown to the browser) and
// an expiry. It is sealed with AES-256-GCM under a key derived from FERRY_TICKET_KEY, so it
// is tamper-evident and its content unreadable, and any instance holding the key can check
// it: no state is kept between requests (Lambda, Workers).

// minTicketKey is the shortest FERRY_TICKET_KEY accepted.
const minTicketKey = 32

const (
	ticketPrefix = "ft1."
	ticketAAD    = "ferry upload ticket v1"
	maxTicketLen = 4096
)

// errTicket is every refusal of a ticket: which check failed is logged, never answered,
// so a caller learns nothing from altering one.
var errTicket = errors.New("upload ticket refused")

type ticketSealer struct {
	aead cipher.AEAD
	now  func() time.Time
}

// newTicketSealer derives the sealing key from the configured secret (HMAC-SHA256 with a
// label, so the same secret used elsewhere would yield another key).
func newTicketSealer(secret []byte, now func() time.Time) (*ticketSealer, error) {
	if len(secret) < minTicketKey {
		return nil, errors.New("the ticket key is shorter than 32 bytes")
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("ferry/ticket/aes-256-gcm"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &ticketSealer{aead: aead, now: now}, nil
}

// seal renders t as an opaque ticket.
func (s *ticketSealer) seal(t *Ticket) (string, error) {
	return s.sealValue(ticketPrefix, ticketAAD, t)
}

// sealValue renders v as prefix + base64url(nonce, AES-GCM(JSON(v))) under aad: each use
// has its own aad, so a value sealed for one (a ticket) never opens as another (a cookie).
func (s *ticketSealer) sealValue(prefix, aad string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, plain, []byte(aad))
	return prefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// openValue reverses sealValue into v; why says what failed (for the log).
func (s *ticketSealer) openValue(prefix, aad, raw string, v any) (why string, err error) {
	if len(raw) > maxTicketLen || !strings.HasPrefix(raw, prefix) || !urlAlphabet(raw[len(prefix):]) {
		return "malformed", errTicket
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(raw[len(prefix):])
	if err != nil || len(b) < s.aead.NonceSize()+s.aead.Overhead() {
		return "malformed", errTicket
	}
	ns := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:ns], b[ns:], []byte(aad))
	if err != nil {
		return "altered or sealed under another key", errTicket
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return "unreadable", errTicket
	}
	return "", nil
}

// abortGrace is how long past its expiry a ticket may still cancel its upload (only that):
// an engine that comes back after the expiry cancels the task rather than leave it open
// upstream, where it would hold space and count against the caller's open uploads.
const abortGrace = 7 * 24 * time.Hour

// open checks a ticket and returns its content: it must be intact, minted for this
// provider, library and caller, and unexpired, or expired less than grace ago. The reason
// of a refusal goes to why (for the log).
func (s *ticketSealer) open(raw, provider, library, subject string, grace time.Duration) (t *Ticket, why string, err error) {
	t = new(Ticket)
	if why, err := s.openValue(ticketPrefix, ticketAAD, raw, t); err != nil {
		return nil, why, err
	}
	switch {
	case t.Provider != provider || t.Library != library:
		return nil, "another provider or library", errTicket
	case t.Subject != subject:
		return nil, "another caller's", errTicket
	case s.now().Unix() >= t.Expires+int64(grace/time.Second):
		return nil, "expired", errTicket
	}
	return t, "", nil
}

// urlAlphabet reports whether s holds only base64url characters. The decoder skips CR and
// LF even in strict mode, which would give one ticket many spellings.
func urlAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
