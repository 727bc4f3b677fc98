package gokuai_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

// recorder is a Doer that keeps the request and answers what it is given.
type recorder struct {
	req  *gokuai.Request
	resp *gokuai.Response
	err  error
}

func (r *recorder) Do(_ context.Context, req *gokuai.Request) (*gokuai.Response, error) {
	r.req = req
	if r.err != nil {
		return nil, r.err
	}
	return r.resp, nil
}

func newRecorded(body string) (*gokuai.Client, *recorder) {
	rec := &recorder{resp: &gokuai.Response{StatusCode: 200, Body: []byte(body)}}
	return &gokuai.Client{BaseURL: "https://gk.example/m-open", ClientID: "cid", Secret: "sec", Doer: rec,
		Now: func() time.Time { return time.Unix(1700000000, 0) }}, rec
}

// TestTransport: a form-encoded POST to BaseURL+path with the business parameters, the
// credential, dateline and a sign over them.
func TestTransport(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		call func(c *gokuai.Client) error
		path string
		want map[string]string
	}{
		{"set removes the limit with an empty value", func(c *gokuai.Client) error {
			return c.Set(ctx, gokuai.SetRequest{LibraryRef: gokuai.LibraryRef{OrgID: 7}, Capacity: ptr(gokuai.Unlimited)})
		}, gokuai.PathSet, map[string]string{"org_id": "7", "org_capacity": ""}},
		{"set sends only what changes", func(c *gokuai.Client) error {
			return c.Set(ctx, gokuai.SetRequest{LibraryRef: gokuai.LibraryRef{MountID: 9}, Name: ptr("n")})
		}, gokuai.PathSet, map[string]string{"mount_id": "9", "org_name": "n"}},
		{"member lists are comma-separated", func(c *gokuai.Client) error {
			return c.AddMember(ctx, gokuai.MembersRequest{OrgID: 1, MemberIDs: []int64{2, 3}, RoleID: 4})
		}, gokuai.PathAddMember, map[string]string{"org_id": "1", "member_ids": "2,3", "role_id": "4"}},
		{"log filters", func(c *gokuai.Client) error {
			_, err := c.Log(ctx, gokuai.LogRequest{Acts: []int{0, 1}, Ascending: true, Size: 5})
			return err
		}, gokuai.PathLog, map[string]string{"act": "0,1", "orderby": "asc", "size": "5"}},
		{"personal library by out_id", func(c *gokuai.Client) error {
			_, err := c.InfoByMember(ctx, gokuai.MemberRef{OutID: "user 1/é"})
			return err
		}, gokuai.PathInfoByMember, map[string]string{"out_id": "user 1/é"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rec := newRecorded(`{}`)
			require.NoError(t, tc.call(c))
			assert.Equal(t, "POST", rec.req.Method)
			assert.Equal(t, "https://gk.example/m-open"+tc.path, rec.req.URL)
			assert.True(t, strings.HasPrefix(rec.req.Header["Content-Type"], "application/x-www-form-urlencoded"))
			form, err := url.ParseQuery(string(rec.req.Body))
			require.NoError(t, err)
			got := map[string]string{}
			for k, v := range form {
				require.Len(t, v, 1)
				got[k] = v[0]
			}
			sign := got["sign"]
			assert.True(t, gokuai.VerifySign("sec", got, sign))
			delete(got, "sign")
			want := map[string]string{"client_id": "cid", "dateline": "1700000000"}
			for k, v := range tc.want {
				want[k] = v
			}
			assert.Equal(t, want, got)
		})
	}
}

// TestRefusedBeforeSending: requests that cannot be right are not sent.
func TestRefusedBeforeSending(t *testing.T) {
	ctx := context.Background()
	c, rec := newRecorded(`{}`)
	for name, call := range map[string]func() error{
		"create without name": func() error { _, err := c.Create(ctx, gokuai.CreateRequest{}); return err },
		"info without ref":    func() error { _, err := c.Info(ctx, gokuai.LibraryRef{}); return err },
		"two member refs": func() error {
			_, err := c.InfoByMember(ctx, gokuai.MemberRef{OutID: "a", Account: "a"})
			return err
		},
		"search both": func() error { _, err := c.Search(ctx, gokuai.SearchRequest{Name: "a", Prefix: "a"}); return err },
		"comma in an id": func() error {
			_, err := c.GetMember(ctx, gokuai.GetMemberRequest{OrgID: 1, IDs: []string{"a,b"}, Type: "account"})
			return err
		},
		"add without role":    func() error { return c.AddMember(ctx, gokuai.MembersRequest{OrgID: 1, MemberIDs: []int64{1}}) },
		"unbind without id":   func() error { return c.Unbind(ctx, "") },
		"destroy without ref": func() error { return c.Destroy(ctx, gokuai.DestroyRequest{}) },
	} {
		err := call()
		assert.Equal(t, gokuai.CodeInvalidArgument, gokuai.Code(err), name)
	}
	assert.Nil(t, rec.req, "nothing was sent")
}

// TestAnswers: network errors name the call and carry neither URL nor parameters; a 2xx
// that is not the expected JSON is UnexpectedResponse.
func TestAnswers(t *testing.T) {
	ctx := context.Background()
	c, rec := newRecorded(``)
	rec.err = errors.New("connection refused")
	_, err := c.Info(ctx, gokuai.LibraryRef{OrgID: 1})
	var ne *gokuai.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.Equal(t, "info", ne.Op)
	assert.NotContains(t, err.Error(), "gk.example")
	assert.NotContains(t, err.Error(), "sec")

	c, _ = newRecorded(`{"info":{"org_id":"x"}}`)
	_, err = c.Info(ctx, gokuai.LibraryRef{OrgID: 1})
	assert.Equal(t, gokuai.CodeUnexpectedResponse, gokuai.Code(err))

	c, rec = newRecorded(``)
	rec.resp = &gokuai.Response{StatusCode: 401, Body: []byte(`{"error_code":"401041","error_msg":"sign error"}`)}
	err = c.Set(ctx, gokuai.SetRequest{LibraryRef: gokuai.LibraryRef{OrgID: 1}})
	assert.Equal(t, gokuai.CodeInvalidSign, gokuai.Code(err))

	c, _ = newRecorded(`{"info":{"org_id":"12","size_org_total":"-1","mount_id":112}}`)
	l, err := c.Info(ctx, gokuai.LibraryRef{OrgID: 12})
	require.NoError(t, err)
	assert.Equal(t, gokuai.Library{OrgID: 12, SizeOrgTotal: -1, MountID: 112}, *l)
}

func ptr[T any](v T) *T { return &v }
