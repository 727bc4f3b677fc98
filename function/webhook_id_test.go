package function_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
)

// scriptedReceiver answers the given statuses in turn, then 200, and hands over the body of
// every verified delivery (including the refused ones: they are the retries' bodies).
func scriptedReceiver(t *testing.T, statuses ...int) (*httptest.Server, chan []byte) {
	ch := make(chan []byte, 16)
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !verifyFerrySignature(webhookSecret, r.Header.Get("Ferry-Signature"), b, time.Now()) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		ch <- b
		if i := int(n.Add(1)) - 1; i < len(statuses) {
			w.WriteHeader(statuses[i])
		}
	}))
	t.Cleanup(ts.Close)
	return ts, ch
}

func nextBody(t *testing.T, ch chan []byte) []byte {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(30 * time.Second): // generous: the backoff alone is 1.5 s
		t.Fatal("no webhook delivery")
		return nil
	}
}

type hookEvent struct {
	ID        string `json:"id"`
	LibraryID string `json:"libraryId"`
	SpaceID   string `json:"spaceId"`
	UserID    string `json:"userId"`
	Path      string `json:"path"`
}

var webhookIDPattern = regexp.MustCompile(`^whk_[a-z2-7]{26}$`)

// Each completion's webhook carries an id that is the same on every retry of that delivery
// and differs between completions, the library and the caller's resolved space; through a
// direct role's /v1/confirm and a brokered role's /v1/uploads/{id}/complete alike.
func TestWebhookEventIdentity(t *testing.T) {
	t.Parallel()
	type idCase struct {
		name, library, secret, policy, space, sub, role, dir string
		files                                                [2]string
	}
	for _, c := range []idCase{
		{name: "file library", library: "smhdev", secret: libSecret, space: "-", sub: "alice", role: "uploader",
			policy: `{"roles":{"uploader":{"grants":["begin_upload"]MODE}}}`,
			dir:    "/users/alice", files: [2]string{"a.txt", "b.txt"}},
		{name: "space from the JWT", library: "smhmedia", secret: mediaSecret, space: "space1", sub: "carol", role: "member",
			policy: `{"roles":{"member":{"grants":["begin_upload"],"space":"{space}","pathPrefix":"/{sub}/","allowedTypes":["image/*"]MODE}}}`,
			dir:    "/carol", files: [2]string{"a.jpg", "b.jpg"}},
	} {
		for _, mode := range []string{"direct", "brokered"} {
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				ts, got := scriptedReceiver(t, 500, 500) // the first completion's third attempt succeeds
				policy := strings.Replace(c.policy, "MODE", `,"mode":"`+mode+`"`, 1)
				e := newEnv(t, withPolicy(policy), withConfig(func(cfg *function.Config) {
					cfg.LibraryID, cfg.LibrarySecret = c.library, function.Secret(c.secret)
					cfg.WebhookURL, cfg.WebhookSecret = ts.URL, webhookSecret // no Background: delivered before answering
				}))
				if err := e.emu.MakeDir(c.library, c.space, c.dir); err != nil {
					t.Fatal(err)
				}
				auth := "Bearer " + jwtFor(t, jwt.MapClaims{"sub": c.sub, "role": c.role, "space": c.space})
				data := []byte("data")
				complete := func(name string) {
					if mode == "brokered" {
						a, u := e.begin(auth, beginBody(name, data, "spaceId", c.space))
						if u == nil {
							t.Fatalf("begin: %d %s", a.Status, a.Body)
						}
						e.send(auth, u, data)
						if a := e.complete(auth, u.ID, data); a.Status != 200 {
							t.Fatalf("complete: %d %s", a.Status, a.Body)
						}
						return
					}
					a := e.do("POST", "/v1/token", auth, `{"spaceId":"`+c.space+`"}`)
					tok, _ := a.JSON["accessToken"].(string)
					if a.Status != 200 || tok == "" {
						t.Fatalf("token: %d %s", a.Status, a.Body)
					}
					up := &smh.Client{BaseURL: e.url, LibraryID: c.library, Doer: smhhttp.Doer{Client: e.hc}}
					res, err := up.Begin(context.Background(), tok, c.space, smh.BeginRequest{Path: c.dir + "/" + name, Size: int64(len(data))})
					if err != nil {
						t.Fatalf("begin: %v", err)
					}
					e.put(up.DataURL(res.Upload, 0), res.Upload.Headers, data)
					crc := strconv.FormatUint(hashes.CRC64(data), 10)
					body := `{"spaceId":"` + c.space + `","confirmKey":"` + res.Upload.ConfirmKey + `","crc64":"` + crc + `"}`
					if a := e.do("POST", "/v1/confirm", auth, body); a.Status != 200 {
						t.Fatalf("confirm: %d %s", a.Status, a.Body)
					}
				}
				complete(c.files[0])
				first := nextBody(t, got)
				for i := 1; i < 3; i++ {
					if b := nextBody(t, got); !bytes.Equal(b, first) {
						t.Fatalf("attempt %d sent another body:\n%s\n%s", i+1, first, b)
					}
				}
				var ev hookEvent
				if err := json.Unmarshal(first, &ev); err != nil {
					t.Fatal(err)
				}
				if !webhookIDPattern.MatchString(ev.ID) || ev.LibraryID != c.library || ev.SpaceID != c.space ||
					ev.UserID != c.sub || ev.Path != c.dir+"/"+c.files[0] {
					t.Fatalf("event %s", first)
				}
				complete(c.files[1])
				var ev2 hookEvent
				if err := json.Unmarshal(nextBody(t, got), &ev2); err != nil {
					t.Fatal(err)
				}
				if !webhookIDPattern.MatchString(ev2.ID) || ev2.ID == ev.ID || ev2.Path != c.dir+"/"+c.files[1] {
					t.Fatalf("second completion: id %q (first %q), path %q", ev2.ID, ev.ID, ev2.Path)
				}
				select {
				case b := <-got:
					t.Fatalf("an extra delivery: %s", b)
				default:
				}
			})
		}
	}
}
