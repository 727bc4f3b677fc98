package smhemu

import (
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// timeFormat is SMH's ISO 8601 UTC with milliseconds, e.g. 2020-09-22T07:44:45.000Z.
const timeFormat = "2006-01-02T15:04:05.000Z"

func isoTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// Identifier shapes follow the service's examples.
func newAccessToken() string { return "acctk" + emukit.RandomAlnum(43) }
func newSpaceID() string     { return "space" + emukit.RandomAlnum(13) }
func newConfirmKey() string  { return emukit.RandomHex(16) }
func newUploadID() string    { return strings.ToUpper(emukit.RandomHex(20)) }
