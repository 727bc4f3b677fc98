package function

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	smhprovider "github.com/ferry-upload/ferry/function/smh"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
)

type handler struct {
	cfg      Config
	smh      *smh.Client
	auth     authenticator
	cors     *cors
	limiter  *limiter
	tokens   *smhprovider.Tokens
	hook     *webhook
	log      *slog.Logger
	routes   map[string]map[string]routeFunc
	provider Provider
	tickets  *ticketSealer
	// httpClient makes every outbound request.
	httpClient *http.Client
}

type routeFunc func(w http.ResponseWriter, r *http.Request) error

// New validates cfg and returns the function's handler. It refuses to start (returns an
// error naming the variable) on anything unsafe or unknown.
func New(cfg Config) (http.Handler, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("token function: refusing to start: %w", err)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = defaultHTTPClient()
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	sc := &smh.Client{BaseURL: cfg.APIBase, LibraryID: cfg.LibraryID,
		Doer: retryDoer{next: smhhttp.Doer{Client: client}, timeout: cfg.UpstreamTimeout, pause: 200 * time.Millisecond}}
	h := &handler{
		cfg:     cfg,
		smh:     sc,
		cors:    newCORS(cfg.AllowedOrigins),
		limiter: newLimiter(cfg.RateLimit, cfg.Now),
		tokens:  smhprovider.NewTokens(sc, string(cfg.LibrarySecret), cfg.Now),
		log:     logger,

		httpClient: client,
	}
	tickets, err := ticketsFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("token function: refusing to start: %w", err)
	}
	h.tickets = tickets
	switch cfg.Provider {
	case ProviderPDS:
		cfg.HTTPClient = client
		if h.provider, err = newPDSProvider(cfg); err != nil {
			return nil, fmt.Errorf("token function: refusing to start: %w", err)
		}
	case ProviderGokuai:
		cfg.HTTPClient = client
		h.provider = newGokuaiProvider(cfg)
	default:
		h.provider = smhprovider.New(sc, h.tokens)
	}
	if err := checkQuotaSupport(h.provider, cfg.Policy); err != nil {
		return nil, fmt.Errorf("token function: refusing to start: %w", err)
	}
	if cfg.Auth.Mode == AuthAnonymous {
		h.auth = anonymousAuth{}
	} else {
		ja := &jwtAuth{cfg: cfg.Auth, now: cfg.Now}
		if cfg.Auth.HS256Secret != "" {
			ja.secret = []byte(cfg.Auth.HS256Secret)
		} else {
			ja.keys = &jwks{url: cfg.Auth.JWKSURL, client: client, now: cfg.Now}
		}
		h.auth = ja
	}
	if cfg.WebhookURL != "" {
		h.hook = &webhook{url: cfg.WebhookURL, secret: cfg.WebhookSecret, client: client, now: cfg.Now, sleep: sleep}
	}
	h.routes = map[string]map[string]routeFunc{
		"/v1/token": {http.MethodPost: h.postToken},
		"/healthz":  {http.MethodGet: h.healthz, http.MethodHead: h.healthz},
	}
	if cfg.Provider == ProviderSMH {
		// SMH's direct mode: browser tokens, their revocation and the direct confirm.
		h.routes["/v1/token"][http.MethodDelete] = h.deleteToken
		h.routes["/v1/confirm"] = map[string]routeFunc{http.MethodPost: h.postConfirm}
	}
	if _, ok := h.provider.(admin); ok {
		h.routes[routeAdmin] = map[string]routeFunc{http.MethodPost: h.postAdmin}
	}
	if cfg.Provider == ProviderPDS && cfg.PDS.webSignIn() {
		h.addPDSSignInRoutes()
	}
	if _, ok := h.provider.(DirectoryMaker); ok {
		h.routes["/v1/directory"] = map[string]routeFunc{http.MethodPost: h.postDirectory}
	}
	h.addUploadRoutes()
	return h, nil
}

// addUploadRoutes serves each brokered route whose capability the provider has.
func (h *handler) addUploadRoutes() {
	add := func(pattern, method string, ok bool, fn routeFunc) {
		if !ok {
			return
		}
		if h.routes[pattern] == nil {
			h.routes[pattern] = map[string]routeFunc{}
		}
		h.routes[pattern][method] = fn
	}
	_, begin := h.provider.(Beginner)
	_, targets := h.provider.(Targeter)
	_, state := h.provider.(Stater)
	_, complete := h.provider.(Completer)
	_, abort := h.provider.(Aborter)
	add(routeUploads, http.MethodPost, begin, h.postUploads)
	add(routeUpload+"/targets", http.MethodPost, targets, h.postTargets)
	add(routeUpload, http.MethodGet, state, h.getUpload)
	add(routeUpload+"/complete", http.MethodPost, complete && state, h.postComplete)
	add(routeUpload, http.MethodDelete, abort, h.deleteUpload)
}

const (
	routeUploads = "/v1/uploads"
	routeUpload  = "/v1/uploads/{id}"
)

// match finds the route of path: an exact one, or an upload route whose {id} it fills in.
func (h *handler) match(r *http.Request) (map[string]routeFunc, bool) {
	if m, ok := h.routes[r.URL.Path]; ok {
		return m, true
	}
	if op, ok := strings.CutPrefix(r.URL.Path, "/v1/admin/"); ok && op != "" && !strings.Contains(op, "/") {
		m, ok := h.routes[routeAdmin]
		r.SetPathValue("op", op)
		return m, ok
	}
	rest, ok := strings.CutPrefix(r.URL.Path, routeUploads+"/")
	if !ok {
		return nil, false
	}
	id, sub, _ := strings.Cut(rest, "/")
	pattern := routeUpload
	if sub != "" {
		pattern += "/" + sub
	}
	m, ok := h.routes[pattern]
	if !ok || id == "" {
		return nil, false
	}
	r.SetPathValue("id", id)
	return m, true
}

// ticketsFor builds the ticket sealer: FERRY_TICKET_KEY, or in DevMode without one a random
// key of this process (tickets then do not survive a restart or cross instances).
func ticketsFor(cfg Config) (*ticketSealer, error) {
	key := []byte(cfg.TicketKey)
	if len(key) == 0 {
		key = make([]byte, minTicketKey)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	return newTicketSealer(key, cfg.Now)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	l := &reqLog{id: newRequestID()}
	r = r.WithContext(withReqLog(r.Context(), l))
	w.Header().Set("X-Request-Id", l.id)
	w.Header().Add("Vary", "Origin")
	path := logPath(r.URL.Path)
	sw := &statusWriter{ResponseWriter: w}
	err := h.serve(sw, r)
	if err != nil {
		writeError(sw, l.id, err)
	}
	var code string
	if err != nil {
		code = asError(err).Code
	}
	h.logRequest(r.Context(), l, r.Method, path, sw.status, code, err, start)
}

// serve runs one request: CORS, routing, then the route. A panic becomes Internal (its
// value is logged by type only: it could hold anything).
func (h *handler) serve(w http.ResponseWriter, r *http.Request) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &Error{Code: CodeInternal, Status: http.StatusInternalServerError, Message: "internal error",
				Cause: fmt.Errorf("panic (%T)", v)}
		}
	}()
	origin := r.Header.Get("Origin")
	if origin != "" {
		if !h.cors.allowed(origin) {
			return &Error{Code: CodeOriginNotAllowed, Status: http.StatusForbidden, Message: "this origin may not call the token function"}
		}
		h.cors.apply(w.Header(), origin)
	}
	methods, ok := h.match(r)
	if r.Method == http.MethodOptions {
		if !ok {
			return newError(CodeInvalidRequest, http.StatusNotFound, "no such route")
		}
		if origin == "" {
			w.Header().Set("Allow", corsMethods)
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		h.cors.preflight(w, r, origin)
		return nil
	}
	if !ok {
		return newError(CodeInvalidRequest, http.StatusNotFound, "no such route")
	}
	fn, ok := methods[r.Method]
	if !ok {
		e := newError(CodeInvalidRequest, http.StatusMethodNotAllowed, "method not allowed")
		e.Header = map[string]string{"Allow": allowOf(methods)}
		return e
	}
	if r.URL.RawQuery != "" && r.URL.Path != "/healthz" && r.URL.Path != routePDSCallback {
		// Nothing is read from the query; refusing it makes grant or space injection
		// through ?grant=… visible instead of silently ignored.
		return errInvalid("query parameters are not accepted; send a JSON body")
	}
	return fn(w, r)
}

// logPath is how a request path appears in the log: an upload ticket in it is a capability
// of its caller, so upload routes are logged by pattern; anything else is clipped.
func logPath(p string) string {
	if rest, ok := strings.CutPrefix(p, routeUploads+"/"); ok {
		if _, sub, found := strings.Cut(rest, "/"); found {
			return routeUpload + "/" + clip(sub)
		}
		return routeUpload
	}
	if len(p) > 256 {
		return p[:256]
	}
	return p
}

func allowOf(methods map[string]routeFunc) string {
	s := ""
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete} {
		if methods[m] != nil {
			if s != "" {
				s += ", "
			}
			s += m
		}
	}
	return s
}

// authenticate identifies the caller and applies the per-user rate limit. A request
// without a valid JWT is charged to its client address instead, so forged tokens cannot be
// tried at full speed (valid callers are not charged there: users behind one NAT keep their
// own budgets).
func (h *handler) authenticate(r *http.Request) (*Identity, error) {
	id, err := h.auth.authenticate(r.Context(), r)
	if err == nil && id.ViaCookie && (r.Header.Get("Origin") == "" || h.cors.any) {
		err = errUnauthenticated("a JWT from a cookie is accepted only with an allowed Origin header")
	}
	if err != nil {
		if ok, wait := h.limiter.allow(addressKey(r.RemoteAddr)); !ok {
			return nil, rateLimited(wait)
		}
		return nil, err
	}
	logOf(r.Context()).who(id, nil)
	if ok, wait := h.limiter.allow(id.Subject); !ok {
		return nil, rateLimited(wait)
	}
	return id, nil
}

func rateLimited(wait time.Duration) *Error {
	secs := int(wait/time.Second) + 1
	e := newError(CodeRateLimited, http.StatusTooManyRequests, "too many requests; retry in %d s", secs)
	e.Header = map[string]string{"Retry-After": fmt.Sprint(secs)}
	return e
}

// resolve applies the policy: the caller's role, space (requestedSpace is honoured only
// where the policy allows it) and area.
func (h *handler) resolve(r *http.Request, id *Identity, requestedSpace string) (*scope, error) {
	sc, err := h.cfg.Policy.resolve(id, requestedSpace)
	if err != nil {
		return nil, err
	}
	logOf(r.Context()).who(id, sc)
	if sc.Role.isAdmin() && !strings.HasPrefix(r.URL.Path, "/v1/admin/") {
		// An admin role is a backend's: it never gets a token or an upload.
		return nil, errForbidden("your role %q is for admin operations (POST /v1/admin/{op}) only", sc.RoleName)
	}
	return sc, nil
}

func (h *handler) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}

// background runs task after the answer where the platform allows it, else now.
func (h *handler) background(task func(ctx context.Context)) {
	if h.cfg.Background != nil {
		h.cfg.Background(func() { task(context.Background()) })
		return
	}
	task(context.Background())
}

type statusWriter struct {
	http.ResponseWriter
	status int
	// beforeHeader runs once, just before the status line is written (a renewed sign-in
	// sealed into its cookie again).
	beforeHeader []func()
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.runBeforeHeader()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
		w.runBeforeHeader()
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) runBeforeHeader() {
	fns := w.beforeHeader
	w.beforeHeader = nil
	for _, fn := range fns {
		fn()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
