package function

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"
)

// reqLog collects what the one log line of a request says: who (user, role), what they
// were given (grants, space) and how it ended. Routes fill it; the handler writes it.
// It never holds a secret, a JWT, an issued token or an upstream URL.
type reqLog struct {
	id     string
	user   string
	role   string
	space  string
	grants []string
	attrs  []slog.Attr
}

type reqLogKey struct{}

func withReqLog(ctx context.Context, l *reqLog) context.Context {
	return context.WithValue(ctx, reqLogKey{}, l)
}

func logOf(ctx context.Context) *reqLog {
	if l, ok := ctx.Value(reqLogKey{}).(*reqLog); ok {
		return l
	}
	return &reqLog{}
}

func (l *reqLog) add(attrs ...slog.Attr) { l.attrs = append(l.attrs, attrs...) }

func (l *reqLog) who(id *Identity, sc *scope) {
	if id != nil {
		l.user = id.Subject
	}
	if sc != nil {
		l.role, l.space = sc.RoleName, sc.Space
	}
}

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// outcome names how a request ended, for filtering the audit trail.
func outcome(status int) string {
	switch {
	case status < 400:
		return "ok"
	case status < 500:
		return "refused"
	}
	return "failed"
}

func (h *handler) logRequest(ctx context.Context, l *reqLog, method, path string, status int, code string, err error, start time.Time) {
	attrs := []slog.Attr{
		slog.String("requestId", l.id),
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.String("outcome", outcome(status)),
		slog.Int64("durationMs", time.Since(start).Milliseconds()),
	}
	if code != "" {
		attrs = append(attrs, slog.String("code", code))
	}
	if l.user != "" {
		attrs = append(attrs, slog.String("userId", l.user))
	}
	if l.role != "" {
		attrs = append(attrs, slog.String("role", l.role))
	}
	if l.space != "" {
		attrs = append(attrs, slog.String("space", l.space))
	}
	if l.grants != nil {
		attrs = append(attrs, slog.Any("grants", l.grants))
	}
	attrs = append(attrs, l.attrs...)
	level := slog.LevelInfo
	if err != nil {
		e := asError(err)
		if e.Cause != nil {
			attrs = append(attrs, slog.String("cause", safeErr(e.Cause)))
		}
		if e.Status >= 500 {
			level = slog.LevelError
		} else {
			level = slog.LevelWarn
		}
	}
	h.log.LogAttrs(ctx, level, "request", attrs...)
}
