package smhemu

import (
	"slices"
	"strings"
)

// Grants are the permission names a token may carry: the 26 of the token API plus acl.
// The emulator accepts all of them; those of operations it does not emulate (move, copy,
// symlink, recycle bin, history, acl) are accepted and stored but grant nothing here.
var Grants = []string{
	"admin", "create_space", "delete_space", "space_admin",
	"create_directory", "delete_directory", "delete_directory_permanent", "move_directory", "copy_directory",
	"upload_file", "upload_file_force", "begin_upload", "begin_upload_force", "confirm_upload",
	"create_symlink", "create_symlink_force",
	"delete_file", "delete_file_permanent", "move_file", "move_file_force", "copy_file", "copy_file_force",
	"delete_recycled", "restore_recycled", "set_history_latest", "delete_history",
	"acl",
}

// Which grants open which operation. A token with none of a set gets 403 NoPermission.
// Reads (list, info, HEAD, download, upload state for confirmers) need only a valid token.
var (
	grantsBegin    = []string{"admin", "space_admin", "upload_file", "upload_file_force", "begin_upload", "begin_upload_force"}
	grantsConfirm  = []string{"admin", "space_admin", "upload_file", "upload_file_force", "confirm_upload"}
	grantsForce    = []string{"admin", "space_admin", "upload_file_force", "begin_upload_force"}
	grantsState    = append(slices.Clone(grantsBegin), "confirm_upload") // a backend that confirms reads the task
	grantsMkdir    = []string{"admin", "space_admin", "create_directory"}
	grantsRmdir    = []string{"admin", "space_admin", "delete_directory"}
	grantsRmdirP   = []string{"admin", "space_admin", "delete_directory_permanent"}
	grantsRmFile   = []string{"admin", "space_admin", "delete_file"}
	grantsRmFileP  = []string{"admin", "space_admin", "delete_file_permanent"}
	grantsNewSpace = []string{"admin", "create_space"}
	grantsRmSpace  = []string{"admin", "delete_space"}
	grantsSpaces   = []string{"admin", "create_space", "delete_space"} // list spaces; token without space_id
)

// parseGrants splits a comma list; surrounding spaces and empty items are ignored, an
// unknown name is refused with 400 InvalidGrant. Empty means read-only.
func parseGrants(s string) ([]string, error) {
	var out []string
	for _, g := range strings.Split(s, ",") {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if !slices.Contains(Grants, g) {
			return nil, ErrInvalidGrant.With("unknown grant %q", g)
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// hasAny reports whether the token carries one of the grants.
func (t *token) hasAny(set []string) bool {
	for _, g := range t.Grants {
		if slices.Contains(set, g) {
			return true
		}
	}
	return false
}

func (t *token) require(set []string, what string) error {
	if t.hasAny(set) {
		return nil
	}
	return ErrNoPermission.With("%s needs one of the grants %s", what, strings.Join(set, ", "))
}
