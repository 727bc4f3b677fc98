package engine

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ferry-upload/ferry/shared/hashes"
)

// streamBuffer is the CRC read buffer when parts stream from the source.
const streamBuffer = 1 * MiB

// sendParts sends every part not yet acknowledged, in order, each holding one of the
// engine's Concurrency part slots (and its buffer) while in flight. The first part that
// fails for good stops the others. local forces every part to be read and checked locally
// (Verify "local", and parts sent again after a complete refused the parts' CRC-64).
func (t *Task) sendParts(ctx context.Context, local bool) error {
	if t.ordered() {
		return t.sendOrdered(ctx, local)
	}
	e := t.e
	t.mu.Lock()
	p := t.plan
	t.mu.Unlock()
	local = local || t.readsParts()
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for n := p.first(); n <= p.last(); n++ {
		if t.isAcked(n) {
			continue
		}
		buf, err := e.parts.get(pctx, int(t.bufSize(p, local)))
		if err != nil {
			break
		}
		wg.Add(1)
		go func(n int, buf []byte) {
			defer wg.Done()
			defer e.parts.put(buf)
			if err := t.sendPart(pctx, n, buf, local); err != nil {
				once.Do(func() { first = err })
				cancel(err)
			}
		}(n, buf)
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return first
}

// sendOrdered sends the parts one at a time, in order, for a provider that takes them only
// so. A data plane that says it holds fewer bytes than the parts acknowledged (heldError)
// has them sent again from there, at most maxResyncs times.
func (t *Task) sendOrdered(ctx context.Context, local bool) error {
	e := t.e
	t.mu.Lock()
	p := t.plan
	t.mu.Unlock()
	local = local || t.readsParts()
	resyncs := 0
	for n := p.first(); n <= p.last(); n++ {
		if t.isAcked(n) {
			continue
		}
		buf, err := e.parts.get(ctx, int(t.bufSize(p, local)))
		if err != nil {
			return err
		}
		err = t.sendPart(ctx, n, buf, local)
		e.parts.put(buf)
		var he *heldError
		switch {
		case errors.As(err, &he) && resyncs < maxResyncs:
			resyncs++
			t.unacknowledgeFrom(ctx, he.Held)
			n = p.first() - 1 // from the first part not acknowledged now
		case err != nil:
			return err
		}
	}
	return nil
}

// maxResyncs bounds how often one sendOrdered goes back to where the data plane says its
// bytes end.
const maxResyncs = 3

func (t *Task) isAcked(n int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.acked[n]
}

// bufSize is a part slot's buffer: the whole part when it is read before it is sent, else
// only what computing a CRC-64 after the part was taken needs.
func (t *Task) bufSize(p plan, local bool) int64 {
	if t.e.opts.StreamParts && !local {
		return min(p.partSize, streamBuffer)
	}
	return p.partSize
}

// unacknowledgeFrom forgets every acknowledged part that ends past held, the bytes the data
// plane says it holds: they go again.
func (t *Task) unacknowledgeFrom(ctx context.Context, held int64) {
	t.mu.Lock()
	kept := t.cp.Parts[:0]
	for _, r := range t.cp.Parts {
		if off, size := t.plan.span(r.N); off+size <= held {
			kept = append(kept, r)
			continue
		}
		delete(t.acked, r.N)
		delete(t.crcs, r.N)
		t.prog.acked -= r.Size
	}
	t.cp.Parts = kept
	t.version++
	t.mu.Unlock()
	t.saveCheckpoint(ctx, true)
}

// readsParts reports whether every part is read and checksummed before it is sent: always
// natively (the part is read to be sent anyway), with Verify "local", and when the data
// plane wants a digest of each part in its request (PartDigester).
func (t *Task) readsParts() bool {
	return !t.e.opts.StreamParts || t.e.opts.Verify == VerifyLocal || t.digestsParts()
}

// digestsParts reports whether the task's driver adds digests of each part to its request.
func (t *Task) digestsParts() bool {
	t.mu.Lock()
	sess, d := t.sess, t.drv
	t.mu.Unlock()
	pd, ok := d.(PartDigester)
	return ok && sess != nil && pd.PartDigests(sess)
}

// ordered reports whether the task's session takes parts only in order.
func (t *Task) ordered() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sess != nil && t.sess.Ordered
}

// sendPart sends part n until it is acknowledged or recover gives up. Reading locally, the
// part is read once into buf and checksummed, sent from buf natively (from the source when
// streaming), and the data plane's CRC-64 must match; otherwise the part streams from the source unread and its CRC-64 is the one
// the data plane answered (the complete checks their combination), or, when none came
// back, computed from the file after the part was taken.
func (t *Task) sendPart(ctx context.Context, n int, buf []byte, local bool) error {
	e := t.e
	t.mu.Lock()
	off, size := t.plan.span(n)
	t.mu.Unlock()
	var a attempts
	var crc uint64
	var body []byte
	var tok *Token // the token of the last attempt: refreshed once if refused
	haveCRC := false
	for {
		t.mu.Lock()
		sess, gen, d := t.sess, t.sessGen, t.drv
		t.mu.Unlock()
		err := func() error {
			if local && !haveCRC {
				body = buf[:size]
				if err := t.read(ctx, body, off); err != nil {
					return err
				}
				crc, haveCRC = hashes.CRC64(body), true
			}
			if t.needsRenew(sess, size) {
				if err := t.renew(ctx, gen); err != nil {
					return err
				}
				t.mu.Lock()
				sess, gen = t.sess, t.sessGen
				t.mu.Unlock()
			}
			var err error
			if tok, err = e.tokens.get(ctx); err != nil {
				return err
			}
			if err := e.sameMode(tok, d); err != nil {
				return err
			}
			ack, err := t.put(ctx, tok, n, sess, off, size, body)
			var he *heldError
			switch {
			case errors.As(err, &he) && he.Held >= off+size && local:
				// Stored already (an attempt whose answer was lost): acknowledged.
				ack, err = PartAck{}, nil
			case errors.As(err, &he):
				return &stopError{err} // earlier bytes are missing: sendOrdered resends them
			case Code(err) == CodeChecksumMismatch:
				haveCRC = false // the data plane got other bytes than we digested: read again
			}
			if err != nil {
				return err
			}
			switch {
			case local && ack.CRC64 != nil && *ack.CRC64 != crc:
				haveCRC = false // read it again: the file may have changed under us
				return &checksumError{Part: n, Local: crc, Peer: *ack.CRC64}
			case local:
			case ack.CRC64 != nil:
				crc = *ack.CRC64
			default:
				if crc, err = t.crcRange(ctx, off, size, buf); err != nil {
					return err
				}
			}
			t.acknowledge(ctx, n, size, crc)
			return nil
		}()
		var stop *stopError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &stop):
			return stop.err
		}
		if err := e.recover(ctx, d, err, &a, tok, func(ctx context.Context) error { return t.renew(ctx, gen) }); err != nil {
			return err
		}
	}
}

// stopError ends a part's attempts with err, which its caller acts upon.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }

// put is one attempt at one part, under the stall watchdog. body is the part's bytes when
// they were read (nil when not).
func (t *Task) put(ctx context.Context, tok *Token, n int, sess *Session, off, size int64, body []byte) (PartAck, error) {
	e := t.e
	d := t.driver()
	url, header, err := d.Target(ctx, tok, sess, n)
	if err != nil {
		return PartAck{}, err
	}
	if pd, ok := d.(PartDigester); ok && pd.PartDigests(sess) {
		if body == nil {
			return PartAck{}, newError(CodeInternal, "part %d was not read, and its request needs its digest", n)
		}
		pd.AddPartDigests(sess, body, header)
	}
	if e.opts.StreamParts {
		// The Blob slice, not the bytes read: Chromium sends a typed-array XHR body at ~4 MB/s
		// (bench 1e). The data plane's CRC-64 equal to ours, or its check of the digests the
		// request carries, proves it got the bytes checked.
		body = nil
	}
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	wd := startWatchdog(e.cfg.Clock, e.opts.StallTimeout, func() { cancel(errStalled) })
	defer wd.stop()
	start := e.cfg.Clock.Now()
	resp, err := e.cfg.Sender.SendPart(pctx, &PartRequest{
		URL: url, Header: header, Source: t.src, Offset: off, Length: size, Body: body,
		Progress: func(sent int64) {
			wd.touch()
			t.mu.Lock()
			t.prog.setInflight(n, sent)
			t.mu.Unlock()
			t.progressed(false)
		},
	})
	t.mu.Lock()
	t.prog.clearInflight(n)
	t.mu.Unlock()
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return PartAck{}, ctx.Err()
		case context.Cause(pctx) == errStalled:
			return PartAck{}, errStalled
		}
		return PartAck{}, &partNetworkError{part: n, err: err}
	}
	ack, err := d.PartDone(sess, resp)
	if err == nil {
		t.observe(size, e.cfg.Clock.Now().Sub(start))
	}
	return ack, err
}

// acknowledge records a part the data plane took, with its CRC-64, and writes the
// checkpoint before the part gives its slot back: a reload (which ends the worker at once)
// then sends again only what was in flight, at most Concurrency parts, never a part that
// was acknowledged.
func (t *Task) acknowledge(ctx context.Context, n int, size int64, crc uint64) {
	t.mu.Lock()
	t.prog.ack(n, size)
	t.acked[n], t.crcs[n] = true, crc
	t.cp.Parts = append(t.cp.Parts, PartRecord{N: n, Size: size, CRC64: crc})
	t.version++
	t.mu.Unlock()
	t.saveCheckpoint(ctx, true)
	t.progressed(false)
}

// renew replaces the session of generation gen by a renewed one. Parts that saw the same
// generation share one renewal; a part that saw an older one just retries.
func (t *Task) renew(ctx context.Context, gen int) error {
	t.renewMu.Lock()
	defer t.renewMu.Unlock()
	t.mu.Lock()
	if t.sessGen != gen {
		t.mu.Unlock()
		return nil
	}
	sess := t.sess
	t.mu.Unlock()
	if !sess.Multipart {
		return t.rebegin(ctx, sess)
	}
	var ns *Session
	err := t.call(ctx, func(tok *Token) error {
		var err error
		ns, err = t.driver().Renew(ctx, tok, sess)
		return err
	})
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.sess = ns
	t.sessGen++
	t.cp.Session = ns
	t.version++
	t.mu.Unlock()
	t.saveCheckpoint(ctx, false)
	return nil
}

// rebegin replaces the task of a simple upload whose signatures expired (the data plane
// renews only multipart tasks): the upload is begun again, then the old task is deleted
// (best effort), so none is left open. Called under renewMu.
func (t *Task) rebegin(ctx context.Context, old *Session) error {
	t.mu.Lock()
	cp, d := t.cp, t.drv
	t.mu.Unlock()
	spec := t.fileSpec()
	var ns *Session
	err := t.call(ctx, func(tok *Token) error {
		var err error
		var res *Result
		// No quick upload here; a provider that begins only with the file's hash gets it.
		ns, res, err = d.Begin(ctx, tok, spec, &QuickHashes{Full: t.fullHashOf, Off: true})
		if err == nil && (res != nil || ns == nil || ns.Multipart) {
			err = newError(CodeInternal, "beginning the upload again gave no one-body upload task")
		}
		return err
	})
	if err != nil {
		return err
	}
	_ = t.call(ctx, func(tok *Token) error { return d.Abort(ctx, tok, old) })
	t.mu.Lock()
	t.sess = ns
	t.sessGen++
	cp.Session = ns
	t.version++
	t.mu.Unlock()
	return nil
}

// Renewing ahead: a part is not started on signatures that would expire before it is
// likely done. Its duration is predicted from this task's parts so far (twice the smoothed
// time per byte; 1 MiB/s before any part finished), and never less than minRenewAhead.
const (
	minRenewAhead = 2 * time.Second
	assumedRate   = 1 * MiB // bytes per second, before any part finished
)

func (t *Task) needsRenew(sess *Session, size int64) bool {
	if sess == nil || sess.Expires.IsZero() {
		return false
	}
	t.mu.Lock()
	spb := t.secPerB
	t.mu.Unlock()
	if spb == 0 {
		spb = 1.0 / assumedRate
	}
	predicted := max(time.Duration(2*spb*float64(size)*float64(time.Second)), minRenewAhead)
	return sess.Expires.Sub(t.e.cfg.Clock.Now()) < predicted
}

// observe smooths the time per byte of finished parts. Parts shorter than MinPartSize (a
// file's last, a small file's body) are left out: their time is mostly the request's own,
// and taken per byte it would predict hours for the next full part.
func (t *Task) observe(size int64, d time.Duration) {
	if size < MinPartSize {
		return
	}
	s := d.Seconds() / float64(size)
	t.mu.Lock()
	if t.secPerB == 0 {
		t.secPerB = s
	} else {
		t.secPerB += 0.3 * (s - t.secPerB)
	}
	t.mu.Unlock()
}
