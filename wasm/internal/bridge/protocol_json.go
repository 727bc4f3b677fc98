package bridge

import (
	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// Hand codecs of the protocol's messages (no reflection in the browser build). Each writes
// what encoding/json writes for its type's tags; protocol_json_test.go holds them to it.

func (m *Incoming) DecodeJSON(f jsonx.Fields) {
	m.Type = f.Str("type")
	m.ID = f.Raw("id")
	m.TaskID = f.Str("taskId")
	m.EntryID = f.Str("entryId")
	if present(f, "config") {
		m.Config = new(ClientConfig)
		f.Decode("config", m.Config)
	}
	f.Decode("options", &m.Options)
	m.Headers = f.StrMap("headers")
	if present(f, "error") {
		m.Error = new(engine.Error)
		f.Decode("error", m.Error)
	}
	m.Present = f.Bool("present")
}

func (c *ClientConfig) DecodeJSON(f jsonx.Fields) {
	c.TokenURL = f.Str("tokenUrl")
	c.Credentials = f.Str("credentials")
	c.Concurrency = f.Int("concurrency")
	c.ParallelFiles = f.Int("parallelFiles")
	c.PartSize = f.Int64("partSize")
	c.QuickUpload = optBool(f, "quickUpload")
	c.Verify = f.Str("verify")
	c.SpaceID = f.Str("spaceId")
	c.ClientID = f.Str("clientId")
	c.SessionID = f.Str("sessionId")
	c.BaseURL = f.Str("baseUrl")
	c.Origin = f.Str("origin")
	c.Headers = optBool(f, "headers")
}

// present reports whether the member is there and not null (a pointer field is then set).
func present(f jsonx.Fields, key string) bool {
	v := f.Value(key)
	return v.Exists() && !v.IsNull()
}

// optBool reads a *bool: nil when missing or null.
func optBool(f jsonx.Fields, key string) *bool {
	if !present(f, key) {
		return nil
	}
	b := f.Bool(key)
	return &b
}

func (m *msgReady) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("v", int64(m.V))
	w.Str("type", m.Type)
	w.ObjectEnd()
}

func (m *msgFatal) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("v", int64(m.V))
	w.Str("type", m.Type)
	w.Str("code", m.Code)
	w.Str("message", m.Message)
	w.ObjectEnd()
}

func (m *startFatal) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("code", m.Code)
	w.Str("message", m.Message)
	w.Str("type", m.Type)
	w.Int64("v", int64(m.V))
	w.ObjectEnd()
}

func (m *msgReply) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("v", int64(m.V))
	w.Str("type", m.Type)
	w.RawMember("id", m.ID)
	if m.Result != nil {
		w.Member("result", m.Result)
	}
	if m.Error != nil {
		w.Member("error", m.Error)
	}
	w.ObjectEnd()
}

func (m *msgHeaders) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("v", int64(m.V))
	w.Str("type", m.Type)
	w.Int64("id", int64(m.ID))
	w.ObjectEnd()
}

func (m *msgSnapshot) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("v", int64(m.V))
	w.Str("type", m.Type)
	w.Str("event", string(m.Event))
	if m.Snapshot != nil {
		w.Member("snapshot", m.Snapshot)
	} else {
		w.Key("snapshot")
		w.Null()
	}
	if m.Result != nil {
		w.Member("result", m.Result)
	}
	w.ObjectEnd()
}

func (m *msgTotal) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("v", int64(m.V))
	w.Str("type", m.Type)
	w.Member("total", &m.Total)
	w.ObjectEnd()
}

func (s *unknownSnapshot) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Member("error", &s.Error)
	w.Str("id", s.ID)
	w.Str("state", string(s.State))
	w.ObjectEnd()
}

func (e *errorInfo) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("code", e.Code)
	w.Str("message", e.Message)
	w.ObjectEnd()
}

func (r *restorableResult) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Key("entries")
	if r.Entries == nil {
		w.Null()
	} else {
		w.ArrayStart()
		for i := range r.Entries {
			r.Entries[i].EncodeJSON(w)
		}
		w.ArrayEnd()
	}
	w.ObjectEnd()
}

func (*emptyResult) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.ObjectEnd()
}

// EncodeJSON writes Restorable's members beside hasFile, as encoding/json flattens an
// embedded struct.
func (e *entry) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("id", e.ID)
	w.Str("name", e.Name)
	w.Str("path", e.Path)
	w.Int64("size", e.Size)
	w.Int64("lastModified", e.LastModified)
	w.Float64("fraction", e.Fraction)
	w.Flag("hasFile", e.HasFile)
	w.ObjectEnd()
}
