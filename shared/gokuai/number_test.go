package gokuai_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

func TestInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{`12`, 12}, {`"12"`, 12}, {`-1`, -1}, {`"-1"`, -1}, {`" 7 "`, 7}, {`null`, 0}, {`""`, 0},
		{`3.0`, 3}, {`"3.0"`, 3}, {`1e3`, 1000}, {`"9007199254740993"`, 9007199254740993},
		{`9223372036854775807`, 9223372036854775807}, {`"012"`, 12},
	} {
		var n gokuai.Int
		require.NoError(t, json.Unmarshal([]byte(tc.in), &n), tc.in)
		assert.Equal(t, tc.want, int64(n), tc.in)
	}
	for _, bad := range []string{`1.5`, `"1.5"`, `true`, `"abc"`, `"NaN"`, `"Inf"`, `"0x10"`, `"1_000"`,
		`9223372036854775808`, `1e300`, `"-"`, `[]`, `{}`, `"1e400"`} {
		var n gokuai.Int
		assert.Error(t, json.Unmarshal([]byte(bad), &n), bad)
	}
	b, err := json.Marshal(struct{ N gokuai.Int }{42})
	require.NoError(t, err)
	assert.JSONEq(t, `{"N":42}`, string(b))
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{`"abc"`: "abc", `123`: "123", `null`: "", `-1.5`: "-1.5", `""`: ""} {
		var s gokuai.Text
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, string(s), in)
	}
	for _, bad := range []string{`true`, `[]`, `{}`} {
		var s gokuai.Text
		assert.Error(t, json.Unmarshal([]byte(bad), &s), bad)
	}
}

// TestLibraryStrings: a whole answer with every number as a string decodes.
func TestLibraryStrings(t *testing.T) {
	var l gokuai.Library
	require.NoError(t, json.Unmarshal([]byte(`{"org_id":"7","org_name":"x","size_org_total":"-1","size_org_use":"0","mount_id":"107","owner_id":""}`), &l))
	assert.Equal(t, gokuai.Library{OrgID: 7, OrgName: "x", SizeOrgTotal: -1, MountID: 107}, l)
	assert.True(t, l.Initialized())
	var g gokuai.GroupList
	require.NoError(t, json.Unmarshal([]byte(`[{"id":"1","name":"dev","role_id":2}]`), &g))
	assert.Equal(t, gokuai.GroupList{{ID: 1, Name: "dev", RoleID: 2}}, g)
	require.NoError(t, json.Unmarshal([]byte(`{"list":[{"id":1,"name":"dev","role_id":"2"}]}`), &g))
	assert.Equal(t, gokuai.GroupList{{ID: 1, Name: "dev", RoleID: 2}}, g)
}
