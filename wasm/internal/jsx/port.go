//go:build js && wasm

package jsx

import (
	"errors"
	"sync"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// Port is the worker's end of postMessage.
type Port struct {
	self safejs.Value
	mu   sync.Mutex
	recv safejs.Func
}

// NewPort returns the port of the current worker (globalThis).
func NewPort() *Port { return &Port{self: safejs.Global()} }

// Post sends a message to the page (as a structured-cloned object of its JSON).
func (p *Port) Post(msg jsonx.Encoder) {
	v, err := ToJS(msg)
	if err != nil {
		return
	}
	_, _ = p.self.Call("postMessage", v)
}

// Message is one message from the page: its JSON form (File and Blob values inside it
// become {}), and its "file" property when that is a File or Blob.
type Message struct {
	JSON []byte
	File *Blob
}

// Serve makes handle receive every message of the page. web/worker.js holds the messages
// that arrive before the module runs: Serve sets globalThis.ferryReceive and calls
// globalThis.ferryStarted() (when defined), which hands them over in order. handle runs
// inside a JavaScript callback: it must not block.
func (p *Port) Serve(handle func(Message, error)) error {
	f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) > 0 {
			handle(decodeMessage(args[0]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.recv = f
	p.mu.Unlock()
	if err := p.self.Set("ferryReceive", f); err != nil {
		return err
	}
	if started, err := p.self.Get("ferryStarted"); err == nil && started.Type() == safejs.TypeFunction {
		_, err = started.Invoke()
		return err
	}
	return nil
}

func decodeMessage(data safejs.Value) (Message, error) {
	j, err := global("JSON")
	if err != nil {
		return Message{}, err
	}
	s, err := j.Call("stringify", data)
	if err != nil {
		return Message{}, err
	}
	if s.Type() != safejs.TypeString {
		return Message{}, errors.New("jsx: the message has no JSON form")
	}
	str, err := s.String()
	if err != nil {
		return Message{}, err
	}
	m := Message{JSON: []byte(str)}
	if f, err := data.Get("file"); err == nil {
		if ok, _ := IsBlob(f); ok {
			m.File, err = NewBlob(f)
			if err != nil {
				return m, err
			}
		}
	}
	return m, nil
}
