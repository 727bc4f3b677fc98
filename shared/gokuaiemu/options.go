package gokuaiemu

import (
	"log/slog"
	"time"
)

// Member is an enterprise member, as the enterprise directory knows it.
type Member struct {
	ID      int64  `json:"member_id"`
	OutID   string `json:"out_id"`  // its id in the host application
	Account string `json:"account"` // its login in the host application
	Name    string `json:"member_name"`
	Email   string `json:"member_email"`
}

// Group is an enterprise department.
type Group struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Role ids of the dev enterprise (interfaces.md §5.4).
const (
	RoleOwner    = 1
	RoleEditor   = 2
	RoleUploader = 3
	RoleViewer   = 4
)

// Dev enterprise credentials (interfaces.md §5.4).
const (
	DevClientID     = "gkdev"
	DevClientSecret = "gkdevsecret"
)

// The library every fresh (or reset) state holds.
const (
	DevLibraryName = "ferry-dev"
	DevOrgID       = 1
	DevMountID     = 101
)

// DefaultWindow is how far a dateline may be from the emulator's clock, either way.
const DefaultWindow = 5 * time.Minute

// DefaultSessionLifetime is how long an upload session lives (the service's is unknown).
const DefaultSessionLifetime = 24 * time.Hour

// Options configures an Emulator; the zero value is the dev enterprise, in memory.
type Options struct {
	ClientID     string   // enterprise client_id; "" = DevClientID
	ClientSecret string   // "" = DevClientSecret
	Members      []Member // nil = DefaultMembers()
	Groups       []Group  // nil = DefaultGroups()
	Roles        []int64  // nil = the four dev roles
	// PersonalCapacity is the size_org_total info_by_member reports for a personal library
	// not initialised yet, and the capacity set_by_member gives one it creates without a
	// capacity; 0 = -1 (unlimited).
	PersonalCapacity int64
	// Window bounds |dateline - now|; 0 = DefaultWindow.
	Window time.Duration
	// SessionLifetime is how long an announced upload and its session live (the kit's
	// ExpireUploadAfter caps it); 0 = DefaultSessionLifetime.
	SessionLifetime time.Duration
	// UploadServer is the server create_file answers; "" = this emulator as the caller
	// reached it (http://{Host}/m-upload).
	UploadServer string
	// DataDir keeps the state on disk so that it survives a restart; "" keeps it in memory.
	DataDir string
	// Now is the clock datelines are checked against and log entries dated with.
	Now    func() time.Time
	Logger *slog.Logger
}

// DefaultMembers are the dev enterprise's members: dev-user, alice, bob.
func DefaultMembers() []Member {
	return []Member{
		{ID: 1, OutID: "dev-user", Account: "dev-user", Name: "dev-user", Email: "dev-user@example.com"},
		{ID: 2, OutID: "alice", Account: "alice", Name: "alice", Email: "alice@example.com"},
		{ID: 3, OutID: "bob", Account: "bob", Name: "bob", Email: "bob@example.com"},
	}
}

// DefaultGroups is the dev enterprise's one department.
func DefaultGroups() []Group { return []Group{{ID: 1, Name: "dev"}} }

func (o *Options) defaults() {
	if o.ClientID == "" {
		o.ClientID = DevClientID
	}
	if o.ClientSecret == "" {
		o.ClientSecret = DevClientSecret
	}
	if o.Members == nil {
		o.Members = DefaultMembers()
	}
	if o.Groups == nil {
		o.Groups = DefaultGroups()
	}
	if o.Roles == nil {
		o.Roles = []int64{RoleOwner, RoleEditor, RoleUploader, RoleViewer}
	}
	if o.PersonalCapacity == 0 {
		o.PersonalCapacity = -1
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.SessionLifetime == 0 {
		o.SessionLifetime = DefaultSessionLifetime
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}
