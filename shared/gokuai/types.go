package gokuai

import (
	"bytes"
	"encoding/json"
)

// Library is a library as info, search, ls and info_by_member describe it. Fields an
// operation does not send stay zero (search and ls send no counts; info_by_member no owner).
type Library struct {
	OrgID        Int  `json:"org_id"`
	OrgName      Text `json:"org_name"`
	OrgLogoURL   Text `json:"org_logo_url"`
	SizeOrgTotal Int  `json:"size_org_total"` // bytes; -1 = unlimited
	SizeOrgUse   Int  `json:"size_org_use"`
	FileCount    Int  `json:"file_count"` // deleted files not counted
	DirCount     Int  `json:"dir_count"`
	MountID      Int  `json:"mount_id"`
	OwnerID      Int  `json:"owner_id"` // 0 = no owner
}

// Initialized reports whether info_by_member found the personal library: one not yet
// initialised comes back with only size_org_total.
func (l *Library) Initialized() bool { return l.OrgID != 0 }

// Created is create's answer.
type Created struct {
	OrgID   Int `json:"org_id"`
	MountID Int `json:"mount_id"`
}

// Binding is a library credential (bind's answer): org_client_secret signs the library's
// file operations. Keep it server-side.
type Binding struct {
	OrgClientID     Text `json:"org_client_id"`
	OrgClientSecret Text `json:"org_client_secret"`
}

// Member is a library member (get_members, get_member).
type Member struct {
	MemberID    Int  `json:"member_id"`
	OutID       Text `json:"out_id"`
	Account     Text `json:"account"`
	MemberName  Text `json:"member_name"`
	MemberEmail Text `json:"member_email"`
	State       Int  `json:"state"`
	RoleID      Int  `json:"role_id"`
}

// MemberList is get_members' answer: a page of members and how many there are.
type MemberList struct {
	List  []Member `json:"list"`
	Count Int      `json:"count"`
}

// Group is a department on a library (get_groups).
type Group struct {
	ID     Int  `json:"id"`
	Name   Text `json:"name"`
	RoleID Int  `json:"role_id"`
}

// GroupList is get_groups' answer. The seed draws it as a bare list of objects; a
// {"list":[…]} wrapper, the shape of the other lists, is read too.
type GroupList []Group

func (g *GroupList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var w struct {
			List []Group `json:"list"`
		}
		if err := json.Unmarshal(b, &w); err != nil {
			return err
		}
		*g = w.List
		return nil
	}
	var l []Group
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*g = l
	return nil
}

// LogEntry is one operation of the library log.
type LogEntry struct {
	Hash          Text `json:"hash"` // the file's unique id
	Dir           Int  `json:"dir"`  // 1 for a folder
	Act           Int  `json:"act"`  // an Act* value
	FileHash      Text `json:"filehash"`
	FileSize      Int  `json:"filesize"`
	FullPath      Text `json:"fullpath"`
	MemberID      Int  `json:"member_id"`
	Dateline      Int  `json:"dateline"` // Unix seconds
	ActName       Text `json:"act_name"`
	MemberName    Text `json:"member_name"`
	DisplayName   Text `json:"display_name"`
	MemberAccount Text `json:"member_account"`
}

// LogPage is log's answer: at most 1000 entries, and how many matched.
type LogPage struct {
	Total Int        `json:"total"`
	List  []LogEntry `json:"list"`
}

// Log acts (the seed's table).
const (
	ActDelete       = 0
	ActCreate       = 1 // created or uploaded
	ActRename       = 2
	ActEdit         = 3
	ActMove         = 4
	ActRestore      = 5
	ActRevert       = 6
	ActLock         = 12
	ActUnlock       = 13
	ActDownload     = 20
	ActPreview      = 21
	ActLinkCreate   = 1014
	ActLinkVisit    = 1015
	ActLinkDownload = 1016
	ActLinkSave     = 1017
	ActLinkUpload   = 1018
)
