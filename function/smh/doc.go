// Package smh is the token function's SMH provider (provider-apis.md §1): the brokered
// control plane (begin, targets, state, complete, abort, remove, directories, usage) run with
// the function's own server-side tokens, and those tokens' cache, which the function's
// direct-mode routes (browser tokens, /v1/confirm, revocation) share.
//
// Server-side tokens carry the caller's sub as user_id (so SMH attributes each operation,
// and each upload task, to the caller) and only the grants of one purpose.
package smh
