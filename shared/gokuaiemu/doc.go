// Package gokuaiemu is a strict, local emulator of the Gokuai (够快云库) open API: the
// library half, the 21 operations of seed 001 under POST /m-open/1/org/, with their state
// (libraries and capacities, members and roles, departments, owners, personal libraries,
// library credentials, the operation log), plus the test-control API under /_emulator/.
// The upload server (create_file, upload_init … upload_finish) is to come; until then the
// control API's files and uploads answer empty lists for a known mount id.
//
// It is built on shared/emukit, which brings the test-control API, fault injection,
// stats and persistence (Options.DataDir: the state as state.json, saved before each
// answer). Its client is shared/gokuai: the emulator verifies signatures with the
// client's Sign and answers the numeric codes the client maps (gokuai.ServiceCodes), so
// the two cannot drift apart; the published signing vector pins Sign itself.
//
//	srv, _ := gokuaiemu.NewServer(gokuaiemu.Options{})
//	defer srv.Close()
//	c := &gokuai.Client{BaseURL: srv.APIBase(), ClientID: gokuaiemu.DevClientID,
//		Secret: gokuaiemu.DevClientSecret, Doer: gokuaihttp.Doer{Client: srv.HTTPClient()}}
//
// Dev defaults (interfaces.md §5.4): enterprise client_id gkdev / client_secret
// gkdevsecret; members dev-user, alice, bob (member_id 1, 2, 3; out_id and account equal
// to the name; email name@example.com); department group_id 1 "dev"; roles 1 owner,
// 2 editor, 3 uploader, 4 viewer; one library "ferry-dev" pre-created (org_id 1,
// mount_id 101; org and mount ids are counted apart so that mixing them up shows).
//
// Every call is checked in this order: the body is a form (application/x-www-form-
// urlencoded, nothing in the query string, no key twice), sign, dateline and a credential
// are present (40001), the credential is known (401 40103), the sign matches (401
// 401041), the dateline is within the window (401 401042); then the operation's own
// parameters. Errors answer {"error_code":int,"error_msg":text} with the HTTP status of
// the code's 3-digit prefix, the kit's own and injected faults included.
//
// # Assumptions about the real service
//
// Seed 001 and provider-apis.md §3 leave these open; each is the emulator's choice,
// strict where in doubt:
//
//   - Dateline window: ±5 minutes (interfaces.md §5.4), either side of the emulator's
//     clock (Options.Window, Options.Now). A signed call may be replayed within the
//     window (the service keeps no nonce); outside it, it is refused 401042.
//   - Error codes: only 401041 (sign) is attested, by a third-party summary. The others
//     follow the service's convention of a 3-digit HTTP prefix: 40001 parameter, 401042
//     dateline, 40103 unknown client_id/org_client_id, 40301 forbidden, 40302 owner not
//     removable, 40402 library, 40403 member, 40404 group, 40405 role, 40406 library
//     credential not found, 40400 route, 40500 method, 50000, 50300.
//   - Signing: every parameter sent is signed, empty values included (Java and PHP SDKs);
//     sign is left out. A parameter added after signing, even empty, breaks the sign.
//   - Parameters come in a form body only; query-string parameters and repeated keys
//     are refused (the signature covers one value per key). Only POST is served.
//   - Credentials: a call carrying client_id is the enterprise's (an org_client_id beside
//     it is a parameter, as in unbind and destroy). Without client_id, an org_client_id
//     from bind signs with its org_client_secret. The seed says library credentials sign
//     library *file* operations; on /1/org/* the emulator lets them read their own
//     library only (info, get_members, get_member, get_groups, log; org_id/mount_id may
//     be omitted, and naming any other library, existing or not, is 403 40301 before any
//     lookup), and refuses every other operation 403 40301.
//   - org_id and mount_id both given must name the same library (else 40001); destroy
//     with org_id and org_client_id likewise. An org_client_id of another enterprise
//     client is 40406, as if unknown.
//   - Capacity: absent or "" on create means unlimited (-1); on set "" means unlimited,
//     absent unchanged; below -1 is 40001. size_org_use, file_count and dir_count are 0
//     until the upload server exists.
//   - search: exactly one of name and prefix (both: 40001); size 1..1000 (else 40001),
//     default 10; results by org_id. ls: type 0/1/2 (else 40001); member_id must be an
//     enterprise member (40403) and keeps the libraries it is a member or owner of
//     (department membership is not modelled).
//   - Personal libraries: info_by_member and set_by_member take exactly one of member_id,
//     out_id, account, email (else 40001). Before set_by_member, info_by_member answers
//     {"info":{"size_org_total":-1}} (Options.PersonalCapacity). set_by_member creates the
//     library on its first call (named after the member, owned by it, the member in role
//     1) with capacity, else the personal default; later calls change the capacity only
//     when given. A destroyed personal library is uninitialised again.
//   - Members: member_ids must all be enterprise members (40403) and, for
//     set_member_role and del_member, members of the library (40403), else nothing
//     changes. add_member of a member already there sets its role. The owner cannot be
//     removed or given another role (403 40302): set_owner first. set_owner gives the new
//     owner role 1; the former owner takes role_id, or leaves when it is absent or empty.
//     Roles must exist (40405). state is always 1.
//   - get_member: type is account, out_id or member_id (else 40001); ids that name no
//     member of the library are left out of the answer.
//   - Departments: add_group of a department already on the library sets its role;
//     set_group_role and del_group of one not on it are 40404. get_groups answers a bare
//     JSON array (the seed draws a list of objects without a key; the client also reads
//     {"list":[…]}).
//   - bind: title is optional; one credential per enterprise client and library, the
//     same until unbind; after unbind the credential is refused (40103) and bind issues a
//     new one. destroy removes the library's credentials.
//   - Log: every operation that changes state is logged, with the seed act closest to it
//     (1 create, set_by_member creating; 0 destroy; 3 every other change), act_name
//     "org/<operation>", member_name, display_name and member_account the caller's
//     credential id, member_id 0, no path. Reads are not logged. Without org_id/mount_id
//     the log is the enterprise's; a destroyed library's entries stay in it. size above
//     1000 is answered as 1000; start_dateline is inclusive, end_dateline exclusive;
//     the newest 10000 entries are kept.
//   - Answers without a seed body ("HTTP 200") are 200 with an empty body.
package gokuaiemu
