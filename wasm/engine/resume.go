package engine

import (
	"context"
	"errors"
	"github.com/ferry-upload/ferry/shared/smhhash"
)

// resumeFrom resumes a checkpointed upload task: it reads the server's parts, keeps every
// part the checkpoint lists whose size matches the server's and whose CRC-64, recomputed
// from the local file, equals the stored one, then renews the task. Every other part is sent
// (again): each part is verified on its own, so parts acknowledged out of order before a
// reload (one overtaken by the next ones while it was retried) are not sent twice.
// ErrSessionGone means start afresh.
func (t *Task) resumeFrom(ctx context.Context, cp *Checkpoint, beginningHash string) (*Result, error) {
	e := t.e
	t.setState(StateBeginning)
	sess := cp.Session
	p := plan{size: cp.Size, partSize: cp.Size, multipart: sess.Multipart}
	if sess.Multipart {
		if cp.PartSize < MinPartSize {
			return nil, ErrSessionGone
		}
		p.partSize = cp.PartSize
	}
	var remote []RemotePart
	var res *Result
	err := e.call(ctx, func(tok *Token) error {
		var err error
		remote, res, err = e.cfg.Driver.Parts(ctx, tok, sess)
		return err
	})
	if errors.Is(err, ErrSessionGone) && cp.Confirming {
		res, err = t.storedAfterReload(ctx, cp)
	}
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

	if p.multipart {
		buf, err := e.blocks.get(ctx, smhhash.BlockSize)
		if err != nil {
			return nil, err
		}
		defer e.blocks.put(buf)
		for n := 1; n <= p.count(); n++ {
			off, size := p.span(n)
			rec, ok := stored[n]
			if !ok || rec.Size != size || onServer[n] != size {
				continue
			}
			crc, err := t.crcRange(ctx, off, size, buf)
			if err != nil {
				return nil, err
			}
			if crc != rec.CRC64 {
				continue // the file changed here: send this part again
			}
			t.mu.Lock()
			t.prog.ack(n, size)
			t.acked[n], t.crcs[n] = true, crc
			mine.Parts = append(mine.Parts, rec)
			t.version++
			t.mu.Unlock()
			t.progressed(false)
		}
	}
	t.mu.Lock()
	gen := t.sessGen
	t.mu.Unlock()
	if err := t.renew(ctx, gen); err != nil {
		return nil, err
	}
	t.saveCheckpoint(ctx, true)
	return nil, nil
}

// crcRange is the CRC-64 of n bytes of the file at off, read through buf.
func (t *Task) crcRange(ctx context.Context, off, n int64, buf []byte) (uint64, error) {
	var crc uint64
	for done := int64(0); done < n; {
		chunk := buf[:min(int64(len(buf)), n-done)]
		if err := t.read(ctx, chunk, off+done); err != nil {
			return 0, err
		}
		crc = smhhash.UpdateCRC64(crc, chunk)
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
		if err := t.e.recover(ctx, err, &a, nil, nil); err != nil {
			return err
		}
	}
}
