//go:build js && wasm

package jsx

import (
	"context"
	"errors"
	"strings"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/shared/smh"
)

// Fetch is an smh.Doer over fetch(): the JSON calls to the SMH API and the token function.
// A fetch that fails before any answer (TypeError: Failed to fetch) is a network error the
// engine retries.
type Fetch struct {
	// Credentials is fetch's credentials mode: "omit" (default), "same-origin" or "include"
	// (cookies for a token function that authenticates with them).
	Credentials string
}

var _ smh.Doer = Fetch{}

func (f Fetch) Do(ctx context.Context, req *smh.Request) (*smh.Response, error) {
	creds := f.Credentials
	if creds == "" {
		creds = "omit"
	}
	headers, err := construct("Headers")
	if err != nil {
		return nil, err
	}
	for k, v := range req.Header {
		if Settable(k) {
			if _, err := headers.Call("set", k, v); err != nil {
				return nil, err
			}
		}
	}
	ac, err := construct("AbortController")
	if err != nil {
		return nil, err
	}
	signal, err := ac.Get("signal")
	if err != nil {
		return nil, err
	}
	init, err := object(map[string]any{"method": req.Method, "headers": headers, "credentials": creds,
		"signal": signal, "cache": "no-store", "redirect": "follow"})
	if err != nil {
		return nil, err
	}
	if req.Body != nil {
		body, err := toUint8Array(req.Body)
		if err != nil {
			return nil, err
		}
		if err := init.Set("body", body); err != nil {
			return nil, err
		}
	}
	stop := context.AfterFunc(ctx, func() { _, _ = ac.Call("abort") })
	defer stop()
	fetch, err := global("fetch")
	if err != nil {
		return nil, err
	}
	p, err := fetch.Invoke(req.URL, init)
	if err != nil {
		return nil, errors.New("fetch refused the request")
	}
	resp, err := Await(ctx, p)
	if err != nil {
		return nil, fetchError(ctx, err)
	}
	status, err := getNumber(resp, "status")
	if err != nil {
		return nil, err
	}
	out := &smh.Response{StatusCode: int(status), Header: map[string]string{}}
	if h, err := resp.Get("headers"); err == nil {
		collect, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			if len(args) >= 2 {
				v, _ := args[0].String()
				k, _ := args[1].String()
				out.Header[strings.ToLower(k)] = v
			}
			return nil
		})
		if err == nil {
			_, _ = h.Call("forEach", collect) // synchronous
			collect.Release()
		}
	}
	ab, err := resp.Call("arrayBuffer")
	if err != nil {
		return nil, err
	}
	buf, err := Await(ctx, ab)
	if err != nil {
		return nil, fetchError(ctx, err)
	}
	if out.Body, err = bytesOf(buf); err != nil {
		return nil, err
	}
	return out, nil
}

// fetchError keeps the context's error when the context ended (the fetch was aborted).
func fetchError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
