package function_test

import (
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/function"
)

// docs/webhook.md's receivers process a delivery once per id: a replay (or a retry after a 2xx
// that got lost) is answered 2xx without processing again; a delivery whose processing
// failed is processed again when retried; a bad signature is refused unprocessed.
func TestSnippetsProcessEachIDOnce(t *testing.T) {
	t.Parallel()
	event := func(id string) []byte {
		return []byte(`{"id":"` + id + `","libraryId":"smhdev","spaceId":"-","userId":"alice","path":"/users/alice/a.txt","size":4,"crc64":"1","confirmedAt":"2026-01-02T03:04:05Z"}`)
	}
	// Fresh ids on every run: the snippets' seen-sets are process-wide (and -count reruns).
	idA, idB := "whk_"+rand.Text(), "whk_"+rand.Text()
	a, b := event(idA), event(idB)
	sa, sb := function.Sign(webhookSecret, time.Now(), a), function.Sign(webhookSecret, time.Now(), b)

	t.Run("go", func(t *testing.T) {
		var runs []string
		ok := func(ev ferryEvent) error { runs = append(runs, ev.ID); return nil }
		fail := func(ferryEvent) error { return errors.New("store down") }
		steps := []struct {
			name, header string
			body         []byte
			process      func(ferryEvent) error
			err          bool
		}{
			{"bad signature", sa, event("whk_" + rand.Text()), ok, true},
			{"processing fails", sa, a, fail, true},
			{"retry after the failure", sa, a, ok, false},
			{"replay", sa, a, ok, false},
			{"replay again", sa, a, ok, false},
			{"another id", sb, b, ok, false},
		}
		for _, s := range steps {
			if err := handleFerryWebhook(webhookSecret, s.header, s.body, s.process); (err != nil) != s.err {
				t.Fatalf("%s: err %v", s.name, err)
			}
		}
		if len(runs) != 2 || runs[0] != idA || runs[1] != idB {
			t.Fatalf("processed %v; want each id once", runs)
		}
	})

	t.Run("node", func(t *testing.T) {
		node, err := exec.LookPath("node")
		if err != nil {
			t.Skip("node not installed; the Node snippet is not run")
		}
		script := nodeSnippet + `
const { S: secret, HA, A, HB, B, IDA, IDB } = process.env;
(async () => {
  const runs = [];
  const ok = async (e) => { runs.push(e.id); };
  const fail = async () => { throw new Error("store down"); };
  const steps = [
    ["bad signature", HA, A + " ", ok, 401],
    ["no signature", undefined, A, ok, 401],
    ["processing fails", HA, A, fail, 500],
    ["retry after the failure", HA, A, ok, 200],
    ["replay", HA, A, ok, 200],
    ["replay again", HA, Buffer.from(A), ok, 200],
    ["another id", HB, B, ok, 200],
  ];
  for (const [name, header, body, fn, want] of steps) {
    const got = await handleFerryWebhook(secret, header, body, fn);
    if (got !== want) { console.error(name, got); process.exit(1); }
  }
  if (JSON.stringify(runs) !== JSON.stringify([IDA, IDB])) {
    console.error("processed", runs); process.exit(2);
  }
})();
`
		cmd := exec.Command(node, "-e", script)
		cmd.Env = append(os.Environ(), "S="+webhookSecret, "HA="+sa, "A="+string(a), "HB="+sb, "B="+string(b), "IDA="+idA, "IDB="+idB)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("node snippet: %v %s", err, out)
		}
	})
}
