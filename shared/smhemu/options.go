package smhemu

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// Library kinds.
const (
	KindFile  = "file"  // file library ("disk" model): any file type, any depth
	KindMedia = "media" // media library ("album" model): images and videos only
)

// Library configures one emulated library.
type Library struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
	// Kind is KindFile or KindMedia.
	Kind string `json:"kind"`
	// MultiTenant libraries hold tenant spaces; single-tenant ones have the one space "-".
	MultiTenant bool `json:"multiTenant"`
	// MultiAlbum (media libraries): no uploads into the root, exactly one directory
	// (album) level. Without it a media library space holds no directories at all.
	MultiAlbum bool `json:"multiAlbum"`
	// Spaces are created at start for a multi-tenant library (and kept across Reset).
	Spaces []string `json:"spaces,omitempty"`
	// QuotaBytes caps the bytes stored in the library; 0 means unlimited.
	QuotaBytes int64 `json:"quotaBytes,omitempty"`
}

// DefaultLibraries returns the two libraries the emulator serves unless told otherwise:
// smhdev/devsecret, a single-tenant file library (space "-"), and smhmedia/mediasecret,
// a multi-tenant media library in multi-album mode with the space "space1" pre-created.
func DefaultLibraries() []Library {
	return []Library{
		{ID: "smhdev", Secret: "devsecret", Kind: KindFile},
		{ID: "smhmedia", Secret: "mediasecret", Kind: KindMedia, MultiTenant: true, MultiAlbum: true, Spaces: []string{"space1"}},
	}
}

// Options configures an Emulator. The zero value is valid: default libraries, in memory.
type Options struct {
	// Libraries to serve; nil means DefaultLibraries().
	Libraries []Library
	// DataDir keeps all state on disk so that it survives a restart; "" keeps it in memory.
	DataDir string
	// Now is the clock for token and signature expiry; nil means time.Now.
	Now func() time.Time
	// Logger receives one line per request; nil discards. Tokens and secrets are never
	// logged in full.
	Logger *slog.Logger
}

// LoadLibraries reads a library file: a JSON array of Library objects, e.g.
//
//	[{"id":"smhdev","secret":"devsecret","kind":"file"},
//	 {"id":"smhmedia","secret":"mediasecret","kind":"media","multiTenant":true,"multiAlbum":true,"spaces":["space1"]}]
func LoadLibraries(path string) ([]Library, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeLibraries(f)
}

// DecodeLibraries decodes and validates the library file format of LoadLibraries.
func DecodeLibraries(r io.Reader) ([]Library, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var libs []Library
	if err := dec.Decode(&libs); err != nil {
		return nil, fmt.Errorf("smhemu: library file: %w", err)
	}
	if err := validateLibraries(libs); err != nil {
		return nil, err
	}
	return libs, nil
}

func validateLibraries(libs []Library) error {
	if len(libs) == 0 {
		return fmt.Errorf("smhemu: no libraries configured")
	}
	seen := map[string]bool{}
	for _, l := range libs {
		switch {
		case !emukit.ValidID(l.ID):
			return fmt.Errorf("smhemu: library id %q: use 1-64 letters, digits, '-' or '_'", l.ID)
		case seen[l.ID]:
			return fmt.Errorf("smhemu: library %q configured twice", l.ID)
		case l.Secret == "":
			return fmt.Errorf("smhemu: library %q has no secret", l.ID)
		case l.Kind != KindFile && l.Kind != KindMedia:
			return fmt.Errorf("smhemu: library %q: kind must be %q or %q", l.ID, KindFile, KindMedia)
		case !l.MultiTenant && len(l.Spaces) > 0:
			return fmt.Errorf("smhemu: library %q is single-tenant (space \"-\") and cannot list spaces", l.ID)
		case l.QuotaBytes < 0:
			return fmt.Errorf("smhemu: library %q: negative quota", l.ID)
		}
		seen[l.ID] = true
		for _, s := range l.Spaces {
			if !emukit.ValidID(s) || s == "-" {
				return fmt.Errorf("smhemu: library %q: bad space id %q", l.ID, s)
			}
		}
	}
	return nil
}
