package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// Every code a page can meet has a message in plain language in every locale (issue 11,
// item 6): the engine's own codes and the token function's neutral ones. A new code without
// its messages fails here (the widget would show "The upload failed (Code)").
func TestEveryCodeHasMessages(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(srcDir, "i18n.js"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile(`(?s)\n    error: \{\n(.*?)\n    \},`).FindAllSubmatch(b, -1)
	if len(blocks) < 2 {
		t.Fatalf("found %d locales' error messages in i18n.js; want every locale's (2 or more)", len(blocks))
	}
	codes := []string{
		engine.CodeFileChanged, engine.CodeBusy, engine.CodeCanceled, engine.CodePolicyViolation,
		engine.CodeNetworkError, engine.CodeReadError, engine.CodeChecksumMismatch, engine.CodeOutOfSync,
		engine.CodeStalled, engine.CodeInvalidState, engine.CodeInvalidOptions, engine.CodeNotFound,
		engine.CodeInternal, engine.CodeModeChanged,
		provider.CodeInvalidRequest, provider.CodeUnauthenticated, provider.CodeForbidden,
		provider.CodeOriginNotAllowed, provider.CodePolicyViolation, provider.CodeRateLimited,
		provider.CodeUpstreamError, provider.CodeInternal, provider.CodeUploadNotFound,
		provider.CodeAlreadyExists, provider.CodeQuotaExceeded, provider.CodeInvalidPath,
		provider.CodeTypeNotAllowed, provider.CodeChecksumMismatch,
	}
	key := regexp.MustCompile(`(?m)^\s+(\w+): "`)
	for i, blk := range blocks {
		have := map[string]bool{}
		for _, m := range key.FindAllSubmatch(blk[1], -1) {
			have[string(m[1])] = true
		}
		for _, c := range codes {
			if !have[c] {
				t.Errorf("locale %d of i18n.js has no message for %s", i+1, c)
			}
		}
	}
}
