package gokuai

import "context"

// BindRequest is bind's parameters.
type BindRequest struct {
	LibraryRef
	Title string // the application the credential is for
}

// Bind returns the library credential of this client for a library (the same one on
// every call until Unbind).
func (c *Client) Bind(ctx context.Context, r BindRequest) (*Binding, error) {
	p := Params{}
	if err := r.put("bind", p, false); err != nil {
		return nil, err
	}
	p.setStr("title", r.Title)
	var out Binding
	if err := c.Call(ctx, "bind", PathBind, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Unbind revokes a library credential.
func (c *Client) Unbind(ctx context.Context, orgClientID string) error {
	if orgClientID == "" {
		return invalid("unbind: org_client_id is required")
	}
	return c.Call(ctx, "unbind", PathUnbind, Params{"org_client_id": orgClientID}, nil)
}
