package function_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/function"
)

// TestDeployDocStarts: the deployments docs/deploy.md spells out start with the default
// policy, whose role is brokered and so needs FERRY_TICKET_KEY. The Lambda command's
// variables (secrets written "…" get stand-ins) must give a Config that New accepts; the
// Workers steps must put the ticket key as a secret.
func TestDeployDocStarts(t *testing.T) {
	b, err := os.ReadFile("../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)

	t.Run("lambda", func(t *testing.T) {
		m := regexp.MustCompile(`aws lambda create-function [^\n]*(?:\n[^\n]*)*?--environment 'Variables=\{([^}]*)\}'`).FindStringSubmatch(readme)
		if m == nil {
			t.Fatal("docs/deploy.md has no aws lambda create-function --environment 'Variables={…}'")
		}
		vars := map[string]string{}
		for _, kv := range strings.Split(m[1], ",") {
			k, v, _ := strings.Cut(kv, "=")
			if v == "…" {
				v = "stand-in-secret-" + strings.ToLower(k) + "-0123456789abcdef"
			}
			vars[k] = v
		}
		cfg, err := function.ConfigFromLookup(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
		if err == nil {
			_, err = function.New(cfg)
		}
		if err != nil {
			t.Fatalf("docs/deploy.md's Lambda deployment (%s) would not start: %v", m[1], err)
		}
	})

	t.Run("workers", func(t *testing.T) {
		i := strings.Index(readme, "## Deploying to Cloudflare Workers")
		if i < 0 {
			t.Fatal("docs/deploy.md has no Workers deployment section")
		}
		section := readme[i:]
		if j := strings.Index(section[1:], "\n## "); j >= 0 {
			section = section[:j+1]
		}
		if !strings.Contains(section, "wrangler secret put "+function.EnvTicketKey) {
			t.Fatalf("docs/deploy.md's Workers deployment puts no %s secret: the default policy's Worker answers every request as misconfigured", function.EnvTicketKey)
		}
	})
}
