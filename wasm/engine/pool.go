package engine

import "context"

// pool is a fixed set of reusable buffers; taking one is also taking a slot, so the pool
// bounds both memory and parallelism. Buffers grow on demand up to the largest size asked
// for, and are then reused: memory stays flat whatever the file size.
type pool struct {
	free chan []byte
}

func newPool(n int) *pool {
	p := &pool{free: make(chan []byte, n)}
	for range n {
		p.free <- nil
	}
	return p
}

// get waits for a free buffer and returns it with length size.
func (p *pool) get(ctx context.Context, size int) ([]byte, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case b := <-p.free:
		if cap(b) < size {
			b = make([]byte, size)
		}
		return b[:size], nil
	}
}

// put returns a buffer taken with get.
func (p *pool) put(b []byte) { p.free <- b[:0] }
