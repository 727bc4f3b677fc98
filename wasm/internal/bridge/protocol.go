// Package bridge is the worker's side of the page ↔ worker protocol (wasm/PROTOCOL.md): it
// turns the page's messages into engine calls and the engine's events into messages. It is
// pure Go: the worker's main plugs in postMessage and the browser seams, native tests plug in
// a recording port and net/http.
package bridge

import (
	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// Version is the protocol version, sent as "v" in every message from the worker.
const Version = 1

// Incoming is one message from the page, decoded from its JSON form; the File travels as
// itself and is attached by the caller.
type Incoming struct {
	Type    string               `json:"type"`
	ID      jsonx.RawMessage     `json:"id,omitempty"` // a call's id, echoed in its reply
	TaskID  string               `json:"taskId,omitempty"`
	EntryID string               `json:"entryId,omitempty"`
	Config  *ClientConfig        `json:"config,omitempty"`
	Options engine.UploadOptions `json:"options"`
	Headers map[string]string    `json:"headers,omitempty"` // answer to "headers"
	Error   *engine.Error        `json:"error,omitempty"`   // answer to "headers"
	Present bool                 `json:"present,omitempty"` // "getHeaders": the page has one now
	File    engine.Source        `json:"-"`
}

// ClientConfig is the "init" message's config: Ferry.create's options.
type ClientConfig struct {
	TokenURL      string `json:"tokenUrl"`
	Credentials   string `json:"credentials"` // "omit" (default) or "include", for the token function
	Concurrency   int    `json:"concurrency"`
	ParallelFiles int    `json:"parallelFiles"`
	PartSize      int64  `json:"partSize"`
	QuickUpload   *bool  `json:"quickUpload"`      // default true
	Verify        string `json:"verify,omitempty"` // "local": every part read and checked in the page
	SpaceID       string `json:"spaceId,omitempty"`
	ClientID      string `json:"clientId,omitempty"`
	SessionID     string `json:"sessionId,omitempty"`
	BaseURL       string `json:"baseUrl,omitempty"` // where the page loaded Ferry from (informative)
	Origin        string `json:"origin,omitempty"`  // the page's origin (informative)
	// Headers: the page has a getHeaders to ask before each call to the token function
	// (default true; the "getHeaders" message changes it).
	Headers *bool `json:"headers,omitempty"`
}

// Options are the engine options the config asks for.
func (c *ClientConfig) Options() engine.Options {
	return engine.Options{Concurrency: c.Concurrency, ParallelFiles: c.ParallelFiles, PartSize: c.PartSize,
		DisableQuickUpload: c.QuickUpload != nil && !*c.QuickUpload, Verify: c.Verify}
}

// Messages from the worker. Each carries "v" and "type".

type msgReady struct {
	V    int    `json:"v"`
	Type string `json:"type"` // "ready"
}

type msgFatal struct {
	V       int    `json:"v"`
	Type    string `json:"type"` // "fatal"
	Code    string `json:"code"`
	Message string `json:"message"`
}

type msgReply struct {
	V      int              `json:"v"`
	Type   string           `json:"type"` // "reply"
	ID     jsonx.RawMessage `json:"id"`
	Result jsonx.Encoder    `json:"result,omitempty"` // nil: left out
	Error  *errorInfo       `json:"error,omitempty"`
}

type msgHeaders struct {
	V    int    `json:"v"`
	Type string `json:"type"` // "headers": the worker asks the page for getHeaders()
	ID   int    `json:"id"`
}

type msgSnapshot struct {
	V        int              `json:"v"`
	Type     string           `json:"type"`             // "snapshot"
	Event    engine.EventKind `json:"event"`            // state, progress, complete, error
	Snapshot jsonx.Encoder    `json:"snapshot"`         // *engine.Snapshot, or *unknownSnapshot (nil: null)
	Result   *engine.Result   `json:"result,omitempty"` // on complete
}

type msgTotal struct {
	V     int           `json:"v"`
	Type  string        `json:"type"` // "total"
	Total engine.Totals `json:"total"`
}

// startFatal is the "fatal" message main sends when a message does not decode or the worker
// cannot listen. Its members keep the order main has always written them in (it was a map,
// written sorted).
type startFatal struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Type    string `json:"type"` // "fatal"
	V       int    `json:"v"`
}

// Fatal is main's "fatal" message.
func Fatal(code, message string) jsonx.Encoder {
	return &startFatal{Code: code, Message: message, Type: "fatal", V: Version}
}

// unknownSnapshot is the snapshot of a task the worker does not know: only what it knows.
// Its members keep the order they have always had (it was a map, written sorted).
type unknownSnapshot struct {
	Error errorInfo    `json:"error"`
	ID    string       `json:"id"`
	State engine.State `json:"state"`
}

// errorInfo is {code, message}: what the page shows.
type errorInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func infoOf(err error) *errorInfo {
	e := engine.AsError(err)
	return &errorInfo{Code: e.Code, Message: e.Message}
}

// entry is a restorable upload as the page sees it.
type entry struct {
	engine.Restorable
	// HasFile is always false: the engine keeps no file contents across reloads, so the page
	// asks the user to pick the file again.
	HasFile bool `json:"hasFile"`
}

// restorableResult is the "restorable" call's result.
type restorableResult struct {
	Entries []entry `json:"entries"`
}

// emptyResult is {}: the result of a call that returns nothing.
type emptyResult struct{}
