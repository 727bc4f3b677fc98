package jsonx

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type stamped struct {
	T time.Time `json:"t"`
}

func (s *stamped) EncodeJSON(w *Writer) { w.ObjectStart(); w.Time("t", s.T); w.ObjectEnd() }
func (s *stamped) DecodeJSON(f Fields)  { s.T = f.Time("t") }

func TestTimeAsEncodingJSON(t *testing.T) {
	for _, v := range []time.Time{
		{},
		time.Date(2026, 12, 6, 4, 5, 6, 0, time.UTC),
		time.Date(2026, 12, 6, 4, 5, 6, 120_000_000, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, time.FixedZone("", -(9*3600+30*60))),
		time.Date(9999, 12, 31, 0, 0, 0, 1, time.FixedZone("", 8*3600)),
	} {
		s := stamped{v}
		want, err := json.Marshal(&s)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(Encode(&s)))
		var got stamped
		require.NoError(t, Decode(want, &got))
		assert.True(t, v.Equal(got.T), "%s read as %s", want, got.T)
		var std stamped
		require.NoError(t, json.Unmarshal(want, &std))
		_, so := std.T.Zone()
		_, go_ := got.T.Zone()
		assert.Equal(t, so, go_, "zone offset of %s", want)
	}
}

// FuzzTime: every time encoding/json writes, Fields.Time reads as the same instant and
// offset; and what Fields.Time accepts, time.Time's UnmarshalJSON accepts as the same
// instant. (It is stricter on forms encoding/json never writes, such as a one-digit hour.)
func FuzzTime(f *testing.F) {
	for _, s := range []string{"2026-12-06T04:05:06Z", "2026-12-06T04:05:06.5+08:00", "0001-01-01T00:00:00Z",
		"2024-02-30T00:00:00Z", "2026-12-06T04:05:06.1234567891Z", "2026-12-06t04:05:06z", "2026-12-06T24:00:00Z"} {
		f.Add(s, int64(1_796_000_000), uint32(5), int16(-570))
	}
	f.Fuzz(func(t *testing.T, s string, sec int64, nsec uint32, offMin int16) {
		v := time.Unix(sec%(250_000_000_000), int64(nsec%1_000_000_000)).In(time.FixedZone("", int(offMin%(24*60))*60))
		if in, err := json.Marshal(&stamped{v}); err == nil {
			var got stamped
			require.NoError(t, Decode(in, &got), "%s", in)
			_, wo := v.Zone()
			_, gotOff := got.T.Zone()
			require.True(t, v.Equal(got.T) && wo == gotOff, "%s read as %s", in, got.T)
		}
		in, _ := json.Marshal(map[string]string{"t": s})
		var std, got stamped
		if Decode(in, &got) != nil {
			return
		}
		require.NoError(t, json.Unmarshal(in, &std), "Fields.Time accepts %q", s)
		require.True(t, std.T.Equal(got.T), "%q: encoding/json %s, Fields.Time %s", s, std.T, got.T)
	})
}
