package smh

import (
	"context"
	"encoding/json"
	"net/url"
)

// CreateDirectory creates a directory and any missing parents. A directory that already
// exists is success; a file in the way is SameNameDirectoryOrFileExists.
func (c *Client) CreateDirectory(ctx context.Context, token, space, path string) error {
	u, err := c.url("directory", space, path, url.Values{"conflict_resolution_strategy": {ConflictAsk}})
	if err != nil {
		return err
	}
	req, _ := jsonRequest("PUT", u, token, nil)
	_, err = c.call(ctx, "create directory", req, nil)
	if Code(err) != CodeSameNameExists {
		return err
	}
	// Something of that name exists: fine only if it is a directory.
	if ok, herr := c.DirectoryExists(ctx, token, space, path); herr != nil || !ok {
		return err
	}
	return nil
}

// DirectoryExists reports whether a directory exists (HEAD; 404 → false).
func (c *Client) DirectoryExists(ctx context.Context, token, space, path string) (bool, error) {
	u, err := c.url("directory", space, path, nil)
	if err != nil {
		return false, err
	}
	req, _ := jsonRequest("HEAD", u, token, nil)
	_, err = c.call(ctx, "directory exists", req, nil)
	if Status(err) == 404 {
		return false, nil
	}
	return err == nil, err
}

func decode(resp *Response, op string, out any) error {
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &Error{Status: resp.StatusCode, Code: "UnexpectedResponse", Message: op + ": answer is not the expected JSON",
			RequestID: resp.Header["x-request-id"]}
	}
	return nil
}
