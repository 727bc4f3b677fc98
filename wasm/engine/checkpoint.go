package engine

import (
	"context"
	"hash/fnv"
	"strconv"
	"sync"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/jsonx"
)

// CheckpointVersion is the version of the Checkpoint format; other versions are ignored.
const CheckpointVersion = 1

// Checkpoint is what survives a reload: enough to find the upload task again and to check,
// before trusting them, that the parts already sent still match the file.
//
// It is keyed by library, space, target path, file name, size and last-modified (its ID)
// and holds the beginningHash (of its HashScheme): a stored checkpoint whose beginningHash
// differs from the file's (its beginning changed) is still the same upload slot, and is
// resumed with every part verified (the changed part is sent again).
type Checkpoint struct {
	V             int    `json:"v"`
	ID            string `json:"id"`
	Driver        string `json:"driver"`
	Library       string `json:"library"`
	Space         string `json:"space"`
	UserID        string `json:"userId,omitempty"`
	Path          string `json:"path"` // target path as asked (the final name is known at confirm)
	Name          string `json:"name"`
	Size          int64  `json:"size"`
	LastModified  int64  `json:"lastModified"` // ms since the epoch
	BeginningHash string `json:"beginningHash"`
	// Options are the upload's options, the page's path among them (for Restore).
	Options UploadOptions `json:"options"`
	// PartSize of the session's parts.
	PartSize int64 `json:"partSize"`
	// HashScheme says which hashes BeginningHash and the full hash are (hashing.go): ""
	// SMH's, "sha1" SHA-1s (PDS's).
	HashScheme string `json:"hashScheme,omitempty"`
	// Chain is the chained-hash state while the full hash is computed.
	Chain *hashes.ChainState `json:"chain,omitempty"`
	// SHA1 is the whole file's SHA-1 state (sha1sum, hex) while it is computed (scheme sha1).
	SHA1 string `json:"sha1,omitempty"`
	// SHA1CRC64 is the CRC-64 (decimal) of the bytes the SHA-1 state covers, computed in the
	// same pass: a provider that states no CRC-64 of its files (Gokuai) still gives the page
	// one, with no second read. Without it the SHA-1 state is not resumed.
	SHA1CRC64 string `json:"sha1Crc64,omitempty"`
	// Session is the server's upload task, once begun.
	Session *Session `json:"session,omitempty"`
	// Parts are the acknowledged parts with their CRC-64, in no particular order.
	Parts []PartRecord `json:"parts,omitempty"`
	// Confirming: every part was sent and the confirm asked; its answer is lost to a reload,
	// and it may land at any moment of the resume. A session found gone may then mean the
	// file is stored, so it is looked up before anything begins again (resumeFrom).
	Confirming bool `json:"confirming,omitempty"`
	// Updated is when it was last written (ms since the epoch).
	Updated int64 `json:"updated"`
}

// PartRecord is one acknowledged part.
type PartRecord struct {
	N     int    `json:"n"`
	Size  int64  `json:"s"`
	CRC64 uint64 `json:"c,string"`
}

// Acknowledged is the number of bytes in acknowledged parts.
func (c *Checkpoint) Acknowledged() int64 {
	var n int64
	for _, p := range c.Parts {
		n += p.Size
	}
	return n
}

// checkpointID derives a checkpoint's key from what identifies an upload slot.
func checkpointID(library, space, path, name string, size, lastModified int64) string {
	h := fnv.New128a()
	for _, s := range []string{library, space, path, name, strconv.FormatInt(size, 10), strconv.FormatInt(lastModified, 10)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "cp-" + hashes.Hex(h.Sum(nil))
}

// CheckpointStore keeps checkpoints: in memory natively, IndexedDB in the browser.
type CheckpointStore interface {
	// Load returns the checkpoint with the id, or nil (and no error) when there is none.
	Load(ctx context.Context, id string) (*Checkpoint, error)
	Save(ctx context.Context, cp *Checkpoint) error
	Delete(ctx context.Context, id string) error
	List(ctx context.Context) ([]*Checkpoint, error)
}

// KV is a string key-value store (IndexedDB in the browser); KVStore keeps checkpoints in one.
type KV interface {
	Get(ctx context.Context, key string) (value string, ok bool, err error)
	Put(ctx context.Context, key, value string) error
	Delete(ctx context.Context, key string) error
	Values(ctx context.Context) ([]string, error)
}

// KVStore is a CheckpointStore over a KV, storing JSON. Unreadable or other-version entries
// are skipped, never fatal.
type KVStore struct{ KV KV }

func (s KVStore) Load(ctx context.Context, id string) (*Checkpoint, error) {
	v, ok, err := s.KV.Get(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return decodeCheckpoint(v), nil
}

func (s KVStore) Save(ctx context.Context, cp *Checkpoint) error {
	return s.KV.Put(ctx, cp.ID, string(jsonx.Encode(cp)))
}

func (s KVStore) Delete(ctx context.Context, id string) error { return s.KV.Delete(ctx, id) }

func (s KVStore) List(ctx context.Context) ([]*Checkpoint, error) {
	vals, err := s.KV.Values(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Checkpoint
	for _, v := range vals {
		if cp := decodeCheckpoint(v); cp != nil {
			out = append(out, cp)
		}
	}
	return out, nil
}

func decodeCheckpoint(v string) *Checkpoint {
	var cp Checkpoint
	if jsonx.Decode([]byte(v), &cp) != nil || cp.V != CheckpointVersion || cp.ID == "" {
		return nil
	}
	return &cp
}

// MemoryKV is a KV in memory.
type MemoryKV struct {
	mu sync.Mutex
	m  map[string]string
}

func (m *MemoryKV) Get(_ context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok, nil
}

func (m *MemoryKV) Put(_ context.Context, key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]string{}
	}
	m.m[key] = value
	return nil
}

func (m *MemoryKV) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
	return nil
}

func (m *MemoryKV) Values(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.m))
	for _, v := range m.m {
		out = append(out, v)
	}
	return out, nil
}

// NewMemoryStore returns a CheckpointStore in memory.
func NewMemoryStore() CheckpointStore { return KVStore{KV: &MemoryKV{}} }
