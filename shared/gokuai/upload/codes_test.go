//go:build !js

package upload_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuai/upload"
)

// TestCodesMatchGokuai: the upload client maps every error_code as shared/gokuai does, to
// the same code strings, so callers holding either client compare codes alike.
func TestCodesMatchGokuai(t *testing.T) {
	for n, code := range upload.ServiceCodes {
		assert.Equal(t, gokuai.ServiceCodes[n], code, "error_code %d", n)
	}
	for _, pair := range [][2]string{
		{upload.CodeInvalidArgument, gokuai.CodeInvalidArgument}, {upload.CodeUnexpectedResponse, gokuai.CodeUnexpectedResponse},
		{upload.CodeBadRequest, gokuai.CodeBadRequest}, {upload.CodeUnauthorized, gokuai.CodeUnauthorized},
		{upload.CodeForbidden, gokuai.CodeForbidden}, {upload.CodeNotFound, gokuai.CodeNotFound},
		{upload.CodeConflict, gokuai.CodeConflict}, {upload.CodeServerError, gokuai.CodeServerError},
		{upload.CodeUnavailable, gokuai.CodeUnavailable}, {upload.CodeHTTPError, gokuai.CodeHTTPError},
	} {
		assert.Equal(t, pair[1], pair[0])
	}
}

// TestBrowserBuildDependencies: the package links neither net/http, encoding/json,
// crypto/sha256, fmt nor net/url (which links fmt) in the js/wasm build (wasm/guard_test.go
// forbids them in the engine), nor shared/gokuai, which links encoding/json.
func TestBrowserBuildDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 5 {
		t.Fatalf("go list listed %q", deps)
	}
	for _, d := range deps {
		switch d {
		case "net/http", "encoding/json", "crypto/sha256", "fmt", "net/url", "github.com/ferry-upload/ferry/shared/gokuai":
			t.Errorf("the browser build of the upload client links %s", d)
		}
	}
}
