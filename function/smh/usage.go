package smh

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/smh"
)

// SMH has no per-folder size: the bytes of an area are the sum over a walk of its folders,
// page by page (marker paging, the largest page). The walk is bounded, since it runs at
// every begin of a role with a quota: an area needing more listings is refused, never
// measured in part (a partial sum would let the quota be passed).
const (
	maxUsageListings = 200
	usageWalkers     = 4 // folders listed at once
)

// Usage is the bytes stored in the caller's area (the per-user quota of the policy).
func (p *Provider) Usage(ctx context.Context, c *provider.Caller) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &usageWalk{p: p, c: c, key: Key{User: c.Subject, Space: c.Space, Purpose: PurposeConfirm}, cancel: cancel}
	level := []string{joinPath(c.Prefix)} // "/" for an area that is the whole space
	for len(level) > 0 && w.failure() == nil {
		level = w.listAll(ctx, level)
	}
	if err := w.failure(); err != nil {
		return 0, err
	}
	return w.bytes.Load(), nil
}

type usageWalk struct {
	p        *Provider
	c        *provider.Caller
	key      Key
	cancel   func()
	listings atomic.Int64
	bytes    atomic.Int64

	mu  sync.Mutex
	err error
}

func (w *usageWalk) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
	w.cancel()
}

func (w *usageWalk) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// listAll lists the folders of one depth, usageWalkers at a time, and returns the folders
// of the next.
func (w *usageWalk) listAll(ctx context.Context, dirs []string) []string {
	var (
		mu   sync.Mutex
		next []string
		wg   sync.WaitGroup
		sem  = make(chan struct{}, usageWalkers)
	)
	for _, dir := range dirs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			subs, err := w.list(ctx, dir)
			if err != nil {
				w.fail(err)
				return
			}
			mu.Lock()
			next = append(next, subs...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return next
}

// list adds the sizes of one folder's files and returns its sub-folders. A folder that does
// not exist (the area not made yet, or removed meanwhile) holds nothing.
func (w *usageWalk) list(ctx context.Context, dir string) ([]string, error) {
	var subs []string
	var listed int64
	marker := ""
	for {
		if w.listings.Add(1) > maxUsageListings {
			return nil, &provider.Error{Code: provider.CodeUpstreamError, Status: http.StatusBadGateway, Message: fmt.Sprintf(
				"your area holds too many folders to measure for your quota (more than %d listings); ask the site's administrator", maxUsageListings)}
		}
		var page *smh.DirectoryPage
		err := w.p.tokens.With(ctx, w.key, func(tok string) (err error) {
			page, err = w.p.client.ListDirectory(ctx, tok, w.c.Space, dir, marker, smh.MaxListLimit)
			return err
		})
		if smh.Code(err) == smh.CodeDirectoryNotFound {
			return nil, nil
		}
		if err != nil {
			return nil, Upstream("measuring the files in your area", err)
		}
		for i := range page.Contents {
			f := &page.Contents[i]
			switch {
			case f.IsDir():
				subs = append(subs, strings.TrimSuffix(dir, "/")+"/"+f.Name)
			case !f.SizeGiven || f.Size < 0:
				return nil, Upstream("measuring the files in your area", unexpected(502, "a listed file has no size"))
			default:
				w.bytes.Add(int64(f.Size))
			}
		}
		listed += int64(len(page.Contents))
		if page.NextMarker == "" {
			// A listing that stopped short of its own count was not paged by marker: refuse
			// rather than under-count.
			if page.TotalGiven && page.TotalNum != listed {
				return nil, Upstream("measuring the files in your area", unexpected(502, "the listing's pages do not add up to its count"))
			}
			return subs, nil
		}
		if page.NextMarker == marker {
			return nil, Upstream("measuring the files in your area", unexpected(502, "the listing's marker did not move"))
		}
		marker = page.NextMarker
	}
}
