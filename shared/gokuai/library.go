package gokuai

import (
	"context"
	"strconv"
	"strings"
)

// CreateRequest is create's parameters.
type CreateRequest struct {
	Name         string // required
	LogoURL      string
	Capacity     int64 // bytes; 0 or Unlimited: no limit
	StoragePoint string
}

// Create creates a library.
func (c *Client) Create(ctx context.Context, r CreateRequest) (*Created, error) {
	if r.Name == "" {
		return nil, invalid("create: org_name is required")
	}
	p := Params{"org_name": r.Name}
	p.setStr("org_logo", r.LogoURL)
	if r.Capacity > 0 {
		p.setInt("org_capacity", r.Capacity)
	}
	p.setStr("storage_point_name", r.StoragePoint)
	var out Created
	if err := c.Call(ctx, "create", PathCreate, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetRequest is set's parameters: nil fields stay as they are.
type SetRequest struct {
	LibraryRef
	Name     *string
	LogoURL  *string
	Capacity *int64 // Unlimited removes the limit
}

// Set changes a library's name, logo or capacity.
func (c *Client) Set(ctx context.Context, r SetRequest) error {
	p := Params{}
	if err := r.put("set", p, false); err != nil {
		return err
	}
	if r.Name != nil {
		p["org_name"] = *r.Name
	}
	if r.LogoURL != nil {
		p["org_logo"] = *r.LogoURL
	}
	if r.Capacity != nil {
		p["org_capacity"] = "" // the seed: an empty value removes the limit
		if *r.Capacity >= 0 {
			p["org_capacity"] = strconv.FormatInt(*r.Capacity, 10)
		}
	}
	return c.Call(ctx, "set", PathSet, p, nil)
}

type infoAnswer struct {
	Info Library `json:"info"`
}

// Info describes a library.
func (c *Client) Info(ctx context.Context, r LibraryRef) (*Library, error) {
	p := Params{}
	if err := r.put("info", p, c.Library); err != nil {
		return nil, err
	}
	var out infoAnswer
	if err := c.Call(ctx, "info", PathInfo, p, &out); err != nil {
		return nil, err
	}
	return &out.Info, nil
}

// SearchRequest is search's parameters: Name (exact) or Prefix.
type SearchRequest struct {
	Name   string
	Prefix string
	Size   int // default 10, at most 1000
}

type listAnswer struct {
	List []Library `json:"list"`
}

// Search finds libraries by exact name or by name prefix.
func (c *Client) Search(ctx context.Context, r SearchRequest) ([]Library, error) {
	if (r.Name == "") == (r.Prefix == "") {
		return nil, invalid("search: one of name and prefix is required")
	}
	p := Params{}
	p.setStr("name", r.Name)
	p.setStr("prefix", r.Prefix)
	p.setInt("size", int64(r.Size))
	var out listAnswer
	if err := c.Call(ctx, "search", PathSearch, p, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// List types.
const (
	ListAll      = 0
	ListShared   = 1 // libraries that are not personal
	ListPersonal = 2
)

// ListRequest is ls's parameters.
type ListRequest struct {
	Type     int   // ListAll, ListShared or ListPersonal
	MemberID int64 // only the libraries this member takes part in
}

// List lists libraries.
func (c *Client) List(ctx context.Context, r ListRequest) ([]Library, error) {
	p := Params{}
	p.setInt("type", int64(r.Type))
	p.setInt("member_id", r.MemberID)
	var out listAnswer
	if err := c.Call(ctx, "ls", PathList, p, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// DestroyRequest names the library to delete: by org_id or by one of its credentials.
type DestroyRequest struct {
	OrgID       int64
	OrgClientID string
}

// Destroy deletes a library.
func (c *Client) Destroy(ctx context.Context, r DestroyRequest) error {
	if r.OrgID == 0 && r.OrgClientID == "" {
		return invalid("destroy: org_id or org_client_id is required")
	}
	p := Params{}
	p.setInt("org_id", r.OrgID)
	p.setStr("org_client_id", r.OrgClientID)
	return c.Call(ctx, "destroy", PathDestroy, p, nil)
}

// LogRequest is log's parameters; the zero value asks for the newest 100 entries of
// every library.
type LogRequest struct {
	LibraryRef          // optional: one library's log
	Acts          []int // only these acts
	Ascending     bool  // oldest first (default newest first)
	StartDateline int64 // entries at or after (Unix seconds)
	EndDateline   int64 // entries before
	Start         int   // offset
	Size          int   // default 100, at most 1000
}

// Log reads the operation log.
func (c *Client) Log(ctx context.Context, r LogRequest) (*LogPage, error) {
	p := Params{}
	p.setInt("org_id", r.OrgID)
	p.setInt("mount_id", r.MountID)
	if len(r.Acts) > 0 {
		acts := make([]string, len(r.Acts))
		for i, a := range r.Acts {
			acts[i] = strconv.Itoa(a)
		}
		p["act"] = strings.Join(acts, ",")
	}
	if r.Ascending {
		p["orderby"] = "asc"
	}
	p.setInt("start_dateline", r.StartDateline)
	p.setInt("end_dateline", r.EndDateline)
	p.setInt("start", int64(r.Start))
	p.setInt("size", int64(r.Size))
	var out LogPage
	if err := c.Call(ctx, "log", PathLog, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
