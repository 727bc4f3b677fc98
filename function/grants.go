package function

// knownGrants is the grant list of interfaces.md §2: the 26 grants of the SMH token API
// plus acl.
var knownGrants = map[string]bool{
	"admin": true, "create_space": true, "delete_space": true, "space_admin": true,
	"create_directory": true, "delete_directory": true, "delete_directory_permanent": true,
	"move_directory": true, "copy_directory": true,
	"upload_file": true, "upload_file_force": true, "begin_upload": true, "begin_upload_force": true,
	"confirm_upload": true, "create_symlink": true, "create_symlink_force": true,
	"delete_file": true, "delete_file_permanent": true, "move_file": true, "move_file_force": true,
	"copy_file": true, "copy_file_force": true, "delete_recycled": true, "restore_recycled": true,
	"set_history_latest": true, "delete_history": true, "acl": true,
}

// libraryWideGrants are refused in every role: a browser token must never carry rights
// over the whole library or its spaces, and no upload needs them.
var libraryWideGrants = map[string]bool{
	"admin": true, "space_admin": true, "create_space": true, "delete_space": true,
}

// spaceWideGrants act on any path of the space: SMH grants cannot be scoped to a path, so a
// role confined to a prefix may hold them only when the policy says so ("spaceWide": true).
// Uploads are not in the list: their paths are checked at confirm (and, brokered, at begin).
var spaceWideGrants = map[string]bool{
	"delete_directory": true, "delete_directory_permanent": true, "delete_file": true,
	"delete_file_permanent": true, "move_directory": true, "move_file": true, "move_file_force": true,
	"copy_directory": true, "copy_file": true, "copy_file_force": true, "create_symlink": true,
	"create_symlink_force": true, "create_directory": true, "acl": true, "delete_recycled": true,
	"restore_recycled": true, "delete_history": true, "set_history_latest": true,
}

// confirmingGrants let a token complete an upload by itself (provider-apis.md §1.2). A
// role whose uploads are confirmed by the function must hold none of them, or its limits
// could be bypassed.
var confirmingGrants = map[string]bool{
	"upload_file": true, "upload_file_force": true, "confirm_upload": true,
	"admin": true, "space_admin": true,
}
