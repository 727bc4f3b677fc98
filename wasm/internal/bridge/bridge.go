package bridge

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// Port posts a message to the page, written by its hand codec.
type Port interface{ Post(msg jsonx.Encoder) }

// Factory builds the engine an "init" message asks for. headers asks the page for the
// token function's request headers (its getHeaders); onEvent must receive the engine's
// events.
type Factory func(cfg ClientConfig, headers func(context.Context) (map[string]string, error), onEvent func(engine.Event)) (*engine.Engine, error)

// Bridge serves one page. Receive never blocks, so it may be called from a JavaScript
// event handler; messages are handled in order, in a goroutine.
type Bridge struct {
	port    Port
	factory Factory

	// HeadersTimeout bounds a getHeaders round trip (default 60 s).
	HeadersTimeout time.Duration
	// TotalInterval throttles "total" messages (default 200 ms).
	TotalInterval time.Duration

	mu       sync.Mutex
	queue    []Incoming
	draining bool
	eng      *engine.Engine

	hmu     sync.Mutex
	seq     int
	pending map[string]chan Incoming
	// noHeaders: the page has no getHeaders, so a call asks it nothing (config "headers",
	// then the "getHeaders" message, in the page's order).
	noHeaders atomic.Bool

	tmu       sync.Mutex
	lastTotal time.Time
}

// New returns a bridge that answers through port and builds its engine with factory.
func New(port Port, factory Factory) *Bridge {
	return &Bridge{port: port, factory: factory, pending: map[string]chan Incoming{},
		HeadersTimeout: time.Minute, TotalInterval: 200 * time.Millisecond}
}

// Receive takes one message from the page.
func (b *Bridge) Receive(msg Incoming) {
	if msg.Type == "headers" { // an answer: deliver it at once, whatever the queue holds
		b.hmu.Lock()
		ch := b.pending[string(msg.ID)]
		delete(b.pending, string(msg.ID))
		b.hmu.Unlock()
		if ch != nil {
			ch <- msg
		}
		return
	}
	b.mu.Lock()
	b.queue = append(b.queue, msg)
	start := !b.draining
	b.draining = true
	b.mu.Unlock()
	if start {
		go b.drain()
	}
}

func (b *Bridge) drain() {
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.draining = false
			b.mu.Unlock()
			return
		}
		msg := b.queue[0]
		b.queue = b.queue[1:]
		b.mu.Unlock()
		b.handle(msg)
	}
}

// Engine is the engine built by "init" (nil before).
func (b *Bridge) Engine() *engine.Engine {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.eng
}

func (b *Bridge) handle(msg Incoming) {
	switch msg.Type {
	case "init":
		b.init(msg)
		return
	case "getHeaders":
		b.noHeaders.Store(!msg.Present)
		return
	}
	eng := b.Engine()
	if eng == nil {
		b.refuse(msg, engine.AsError(&engine.Error{Code: "NotReady", Message: "the worker got " + msg.Type + " before init"}))
		return
	}
	switch msg.Type {
	case "upload":
		if msg.File == nil {
			b.failed(msg, &engine.Error{Code: engine.CodeInvalidOptions, Message: "upload needs a File or Blob"})
			return
		}
		if _, err := eng.UploadWithID(msg.TaskID, msg.File, msg.Options); err != nil {
			b.failed(msg, err)
		}
	case "resumeEntry":
		if msg.File == nil {
			b.failed(msg, &engine.Error{Code: engine.CodeInvalidOptions, Message: "pick the file again to resume it"})
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := eng.RestoreWithID(ctx, msg.TaskID, msg.EntryID, msg.File, msg.Options)
		cancel()
		if err != nil {
			b.failed(msg, err)
		}
	case "pause", "resume", "retry", "cancel":
		t := eng.Task(msg.TaskID)
		if t == nil {
			b.unknownTask(msg)
			return
		}
		var err error
		switch msg.Type {
		case "pause":
			err = t.Pause()
		case "resume":
			err = t.Resume()
		case "retry":
			err = t.Retry()
		case "cancel":
			err = t.Cancel()
		}
		if len(msg.ID) > 0 { // sent as a call: the answer is the reply
			s := t.Snapshot()
			b.reply(msg, &s, err)
			return
		}
		if err != nil { // refused in this state: remind the page of the task's state
			s := t.Snapshot()
			b.port.Post(&msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventState, Snapshot: &s})
		}
	case "restorable":
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			list, err := eng.Restorable(ctx)
			if err != nil {
				b.reply(msg, nil, err)
				return
			}
			entries := make([]entry, len(list))
			for i, r := range list {
				entries[i] = entry{Restorable: r}
			}
			b.reply(msg, &restorableResult{Entries: entries}, nil)
		}()
	case "forget":
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if err := eng.Forget(ctx, msg.EntryID); err != nil {
				b.reply(msg, nil, err)
				return
			}
			b.reply(msg, &emptyResult{}, nil)
		}()
	case "signOut":
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			b.reply(msg, &emptyResult{}, eng.SignOut(ctx))
		}()
	case "snapshot":
		if t := eng.Task(msg.TaskID); t != nil {
			s := t.Snapshot()
			b.reply(msg, &s, nil)
		} else {
			b.reply(msg, nil, &engine.Error{Code: engine.CodeNotFound, Message: "no task " + msg.TaskID})
		}
	default:
		b.refuse(msg, &engine.Error{Code: "InvalidRequest", Message: "unknown message type " + strconv.Quote(msg.Type)})
	}
}

func (b *Bridge) init(msg Incoming) {
	if b.Engine() != nil {
		b.port.Post(&msgReady{V: Version, Type: "ready"})
		return
	}
	if msg.Config == nil || msg.Config.TokenURL == "" {
		b.port.Post(&msgFatal{V: Version, Type: "fatal", Code: engine.CodeInvalidOptions, Message: "init needs config.tokenUrl"})
		return
	}
	b.noHeaders.Store(msg.Config.Headers != nil && !*msg.Config.Headers)
	eng, err := b.factory(*msg.Config, b.headers, b.event)
	if err != nil {
		e := engine.AsError(err)
		b.port.Post(&msgFatal{V: Version, Type: "fatal", Code: e.Code, Message: e.Message})
		return
	}
	b.mu.Lock()
	b.eng = eng
	b.mu.Unlock()
	b.port.Post(&msgReady{V: Version, Type: "ready"})
}

// refuse answers a message that cannot be handled: a call gets an error reply, a task
// message a failed snapshot.
func (b *Bridge) refuse(msg Incoming, err error) {
	switch {
	case len(msg.ID) > 0:
		b.reply(msg, nil, err)
	case msg.TaskID != "" && (msg.Type == "upload" || msg.Type == "resumeEntry"):
		b.failed(msg, err)
	}
}

// reply answers a call with result (nil: none), or with err.
func (b *Bridge) reply(msg Incoming, result jsonx.Encoder, err error) {
	if len(msg.ID) == 0 {
		return
	}
	r := &msgReply{V: Version, Type: "reply", ID: msg.ID, Result: result}
	if err != nil {
		r.Result, r.Error = nil, infoOf(err)
	}
	b.port.Post(r)
}

// unknownTask answers a control for a task the worker does not know (one that never
// started here, or a worker started again): a call gets error NotFound, a plain message a
// failed snapshot of that id. The snapshot leaves out what the worker does not know (name,
// path, size, progress), so the page keeps its own.
func (b *Bridge) unknownTask(msg Incoming) {
	err := &engine.Error{Code: engine.CodeNotFound, Message: "no task " + strconv.Quote(msg.TaskID) + " in this worker"}
	if len(msg.ID) > 0 {
		b.reply(msg, nil, err)
		return
	}
	b.port.Post(&msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventError,
		Snapshot: &unknownSnapshot{ID: msg.TaskID, State: engine.StateFailed, Error: *infoOf(err)}})
}

// failed tells the page that a task it created could not start.
func (b *Bridge) failed(msg Incoming, err error) {
	e := engine.AsError(err)
	s := engine.Snapshot{ID: msg.TaskID, Path: msg.Options.Path, State: engine.StateFailed, Error: &engine.Error{Code: e.Code, Message: e.Message}}
	if msg.File != nil {
		s.Name, s.Size = msg.File.Name(), msg.File.Size()
	}
	b.port.Post(&msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventError, Snapshot: &s})
}

// event forwards an engine event, and the totals (throttled; at once on state changes).
func (b *Bridge) event(ev engine.Event) {
	b.port.Post(&msgSnapshot{V: Version, Type: "snapshot", Event: ev.Kind, Snapshot: &ev.Task, Result: ev.Result})
	eng := b.Engine()
	if eng == nil {
		return
	}
	now := time.Now()
	b.tmu.Lock()
	due := ev.Kind != engine.EventProgress || now.Sub(b.lastTotal) >= b.TotalInterval
	if due {
		b.lastTotal = now
	}
	b.tmu.Unlock()
	if due {
		b.port.Post(&msgTotal{V: Version, Type: "total", Total: eng.Totals()})
	}
}

// headers asks the page for getHeaders() and waits for the answer.
func (b *Bridge) headers(ctx context.Context) (map[string]string, error) {
	if b.noHeaders.Load() {
		return nil, nil
	}
	b.hmu.Lock()
	b.seq++
	id := b.seq
	ch := make(chan Incoming, 1)
	b.pending[strconv.Itoa(id)] = ch
	b.hmu.Unlock()
	defer func() {
		b.hmu.Lock()
		delete(b.pending, strconv.Itoa(id))
		b.hmu.Unlock()
	}()
	b.port.Post(&msgHeaders{V: Version, Type: "headers", ID: id})
	t := time.NewTimer(b.HeadersTimeout)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, &engine.Error{Code: "Unauthenticated", Message: "the page did not answer getHeaders in time"}
	case ans := <-ch:
		if ans.Error != nil {
			return nil, &engine.Error{Code: ans.Error.Code, Message: ans.Error.Message}
		}
		return ans.Headers, nil
	}
}
