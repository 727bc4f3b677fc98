package engine

import (
	"context"
	"errors"

	"github.com/ferry-upload/ferry/shared/hashes"
)

// resumeFrom resumes a checkpointed upload task: it reads the server's parts, keeps every
// part the checkpoint lists whose size matches the server's and whose CRC-64, recomputed
// from the local file, equals the stored one, then renews the task. Every other part is sent
// (again): each part is verified on its own, so parts acknowledged out of order before a
// reload (one overtaken by the next ones while it was retried) are not sent twice.
// ErrSessionGone means start afresh.
//
// A checkpoint whose confirm was asked (Confirming) lost that confirm's answer with the
// page, and the confirm may still land at any moment of this resume. So the answer counts
// as lost (t.lost): a task found gone, here, at the confirm or at a later reattach, means a
// look-up for the file before anything begins again. And with every part verified nothing
// is renewed (a simple upload's renewal begins a second task) or sent: it confirms at once.
func (t *Task) resumeFrom(ctx context.Context, cp *Checkpoint, beginningHash string) (*Result, error) {
	if cp.Confirming {
		t.setLost(true)
	}
	res, err := t.resumeSession(ctx, cp, beginningHash)
	if errors.Is(err, ErrSessionGone) && t.takeLost() {
		return t.storedAfterReload(ctx, cp)
	}
	return res, err
}

func (t *Task) resumeSession(ctx context.Context, cp *Checkpoint, beginningHash string) (*Result, error) {
	t.setState(StateBeginning)
	sess := cp.Session
	p := plan{size: cp.Size, partSize: cp.Size, multipart: sess.Multipart}
	if sess.Multipart {
		ps := cp.PartSize
		if sess.PartSize > 0 {
			ps = sess.PartSize
		}
		if ps < MinPartSize || ps > MaxPartSize {
			return nil, ErrSessionGone
		}
		p.partSize = ps
	}
	var remote []RemotePart
	var res *Result
	err := t.call(ctx, func(tok *Token) error {
		var err error
		remote, res, err = t.driver().Parts(ctx, tok, sess)
		return err
	})
	if err != nil || res != nil {
		return res, err
	}
	onServer := map[int]int64{}
	for _, r := range remote {
		onServer[r.N] = r.Size
	}
	stored := map[int]PartRecord{}
	for _, r := range cp.Parts {
		stored[r.N] = r
	}
	mine := *cp
	mine.Parts = nil
	mine.BeginningHash = beginningHash
	mine.Chain = nil
	t.mu.Lock()
	t.cp, t.plan, t.sess = &mine, p, sess
	t.sessGen++
	t.crcs, t.acked = map[int]uint64{}, map[int]bool{}
	t.prog.acked, t.prog.inflight = 0, nil
	t.persisted = true
	t.version++
	t.mu.Unlock()

	if p.multipart || cp.Confirming {
		if err := t.verifyParts(ctx, stored, onServer, cp.Confirming); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	gen, complete := t.sessGen, len(t.acked) == p.count()
	t.mu.Unlock()
	if cp.Confirming && complete {
		t.saveCheckpoint(ctx, true)
		return nil, nil
	}
	if err := t.renew(ctx, gen); err != nil {
		return nil, err
	}
	t.saveCheckpoint(ctx, true)
	return nil, nil
}

// verifyParts keeps each stored part the server still holds whose CRC-64, recomputed from
// the local file, is the stored one (t.cp is the resumed checkpoint, its parts emptied).
func (t *Task) verifyParts(ctx context.Context, stored map[int]PartRecord, onServer map[int]int64, confirming bool) error {
	t.mu.Lock()
	p, appendOnly := t.plan, t.sess.AppendOnly
	t.mu.Unlock()
	buf, err := t.e.blocks.get(ctx, hashes.BlockSize)
	if err != nil {
		return err
	}
	defer t.e.blocks.put(buf)
	for n := p.first(); n <= p.last(); n++ {
		off, size := p.span(n)
		rec, ok := stored[n]
		// The server lists a multipart task's parts, not a simple task's body; but a body
		// acknowledged before the confirm was asked is in the task, which is still there.
		there := p.multipart && onServer[n] == size || !p.multipart && confirming
		if !ok || rec.Size != size || !there {
			continue
		}
		crc, err := t.crcRange(ctx, off, size, buf)
		if err != nil {
			return err
		}
		switch {
		case crc != rec.CRC64 && appendOnly:
			// Held bytes cannot be sent again, and the hash the upload was begun with is not
			// the file's any more: begin afresh.
			return ErrSessionGone
		case crc != rec.CRC64:
			continue // the file changed here: send this part again
		}
		t.mu.Lock()
		t.prog.ack(n, size)
		t.acked[n], t.crcs[n] = true, crc
		t.cp.Parts = append(t.cp.Parts, rec)
		t.version++
		t.mu.Unlock()
		t.progressed(false)
	}
	return nil
}

// crcRange is the CRC-64 of n bytes of the file at off, read through buf.
func (t *Task) crcRange(ctx context.Context, off, n int64, buf []byte) (uint64, error) {
	var crc uint64
	for done := int64(0); done < n; {
		chunk := buf[:min(int64(len(buf)), n-done)]
		if err := t.read(ctx, chunk, off+done); err != nil {
			return 0, err
		}
		crc = hashes.UpdateCRC64(crc, chunk)
		done += int64(len(chunk))
	}
	return crc, nil
}

// read fills p from the file at off, retrying failed reads like network errors.
func (t *Task) read(ctx context.Context, p []byte, off int64) error {
	var a attempts
	for {
		err := readFull(t.src, p, off)
		if err == nil {
			return nil
		}
		if err := t.e.recover(ctx, nil, err, &a, nil, nil); err != nil {
			return err
		}
	}
}
