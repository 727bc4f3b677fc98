package gokuaiemu

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// logEntry is a log entry as the log operation answers it (the seed's fields).
type logEntry struct {
	Hash          string `json:"hash"`
	Dir           int    `json:"dir"`
	Act           int    `json:"act"`
	FileHash      string `json:"filehash"`
	FileSize      int64  `json:"filesize"`
	FullPath      string `json:"fullpath"`
	MemberID      int64  `json:"member_id"`
	Dateline      int64  `json:"dateline"`
	ActName       string `json:"act_name"`
	MemberName    string `json:"member_name"`
	DisplayName   string `json:"display_name"`
	MemberAccount string `json:"member_account"`
}

// record logs a library operation that changed l, with the state locked (inside Update).
// act is the seed's act closest to it: 1 created, 3 edited, 0 deleted.
func (e *Emulator) record(c *call, l *library, act int, op string) {
	e.st.record(&logRecord{OrgID: l.OrgID, Act: act, ActName: "org/" + op, Actor: c.actor, Dateline: e.now().Unix()})
}

func (r *logRecord) entry() logEntry {
	return logEntry{Hash: r.Hash, Dir: r.Dir, Act: r.Act, FileHash: r.FileHash, FileSize: r.FileSize,
		FullPath: r.FullPath, MemberID: r.MemberID, Dateline: r.Dateline, ActName: r.ActName,
		MemberName: r.Actor, DisplayName: r.Actor, MemberAccount: r.Actor}
}

// logOp answers the log of one library (org_id or mount_id) or, without either, of every
// library, filtered by act and time, newest first unless orderby=asc.
func (e *Emulator) logOp(c *call) error {
	var acts []int
	if s := c.str("act"); s != "" {
		for _, a := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(a))
			if err != nil {
				return errInvalidParameter.With("act is a comma-separated list of acts")
			}
			acts = append(acts, n)
		}
	}
	asc := false
	switch c.str("orderby") {
	case "asc":
		asc = true
	case "", "desc":
	default:
		return errInvalidParameter.With("orderby is asc or desc")
	}
	from, err := c.int("start_dateline", 0)
	if err != nil {
		return err
	}
	to, err := c.int("end_dateline", 0)
	if err != nil {
		return err
	}
	start, err := c.int("start", 0)
	if err != nil || start < 0 {
		return errInvalidParameter.With("start must be 0 or more")
	}
	size, err := c.int("size", 100)
	if err != nil || size < 1 {
		return errInvalidParameter.With("size must be 1 or more")
	}
	size = min(size, 1000) // the seed: at most 1000 are answered

	e.kit.Lock()
	org := int64(0)
	if c.lib != nil || c.str("org_id") != "" || c.str("mount_id") != "" {
		l, err := e.library(c)
		if err != nil {
			e.kit.Unlock()
			return err
		}
		org = l.OrgID
	}
	var match []logEntry
	for _, r := range e.st.Log {
		if (org == 0 || r.OrgID == org) && (acts == nil || slices.Contains(acts, r.Act)) &&
			r.Dateline >= from && (to == 0 || r.Dateline < to) {
			match = append(match, r.entry())
		}
	}
	e.kit.Unlock()
	if !asc {
		slices.Reverse(match)
	}
	total := len(match)
	page := []logEntry{}
	if start < int64(total) {
		page = match[start:min(int64(total), start+size)]
	}
	return c.JSON(http.StatusOK, map[string]any{"total": total, "list": page})
}
