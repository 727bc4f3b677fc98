// Package function is Ferry's token function: one http.Handler that authenticates the
// caller (a bearer JWT from the host application), maps the caller's role to
// least-privilege SMH grants through a policy, and asks the SMH token API for a short-lived
// access token carrying the caller's id, so the library secret never reaches a browser.
//
// Routes (interfaces.md §3):
//
//	POST   /v1/token      issue a browser token for the caller's role
//	DELETE /v1/token      revoke every token of the caller (optionally one client's)
//	POST   /v1/confirm    complete an upload after checking path, size and type
//	POST   /v1/directory  create a directory (with parents) under the caller's prefix
//	GET    /healthz       liveness, no upstream call
//
// The core never reads the environment. Each adapter (cmd/local, cmd/lambda, cmd/workers)
// builds a Config with ConfigFromLookup over its platform's variables and calls New, which
// validates the Config and refuses to start on anything unsafe:
//
//	cfg, err := function.ConfigFromLookup(os.LookupEnv)
//	if err != nil { log.Fatal(err) }
//	h, err := function.New(cfg)
//	if err != nil { log.Fatal(err) }
//	http.ListenAndServe(addr, h)
//
// Every error answer is {"code","message","requestId"}, rendered in one place (errors.go).
// Every request is logged once as a JSON line (log/slog) with its outcome; secrets, JWTs,
// issued tokens and upstream URLs are never logged.
package function
