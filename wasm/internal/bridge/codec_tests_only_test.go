package bridge

import "github.com/ferry-upload/ferry/shared/jsonx"

// The codec directions the browser build never uses (writing what it only reads, reading
// what it only writes) live here, for the differential tests alone: a method the worker
// does not call still costs ferry.wasm its size, since the linker keeps every EncodeJSON and
// DecodeJSON of a type that reaches an interface.

func (c *ClientConfig) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("tokenUrl", c.TokenURL)
	w.Str("credentials", c.Credentials)
	w.Int64("concurrency", int64(c.Concurrency))
	w.Int64("parallelFiles", int64(c.ParallelFiles))
	w.Int64("partSize", c.PartSize)
	w.Key("quickUpload")
	if c.QuickUpload == nil {
		w.Null()
	} else {
		w.Bool(*c.QuickUpload)
	}
	w.OptStr("verify", c.Verify)
	w.OptStr("spaceId", c.SpaceID)
	w.OptStr("clientId", c.ClientID)
	w.OptStr("sessionId", c.SessionID)
	w.OptStr("baseUrl", c.BaseURL)
	w.OptStr("origin", c.Origin)
	if c.Headers != nil {
		w.Flag("headers", *c.Headers)
	}
	w.ObjectEnd()
}
