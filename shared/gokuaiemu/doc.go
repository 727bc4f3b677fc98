// Package gokuaiemu is a strict, local emulator of the Gokuai (够快云库) open API: the
// library half, the 21 operations of seed 001 under POST /m-open/1/org/, with their state
// (libraries and capacities, members and roles, departments, owners, personal libraries,
// library credentials, the operation log); the library file API a brokered upload needs
// under POST /m-open/1/file/ (create_file with SHA-1 instant upload, info, del,
// create_folder), signed with a library credential; the upload server under /m-upload/
// (upload_init, upload_req, upload_part, upload_finish, upload_abort), upload_part on the
// kit's data plane (the bytes; what a browser sends in a brokered upload), the other four
// on its control plane (what the token function calls); and the test-control API under /_emulator/ (files: path, size, sha256 and sha1
// of a mount's files; uploads: its announced, unfinished uploads with the bytes held).
//
// An upload: create_file (signed; filehash and filesize are sent but not signed) answers
// state 1 when the storage holds that SHA-1 and size, or state 0 with the path's hash and
// the upload server. upload_init?org_client_id= with x-gk-upload-pathhash, -filename,
// -filehash and -filesize equal to create_file's answers the session (202 when the file
// is complete already); upload_part takes x-gk-upload-range start-end at the session's
// offset (else 409 {"expect":"<offset>"}) with x-gk-upload-crc; upload_finish answers 202
// once (deterministically: the first finish with every byte received marks the upload
// assembling, the next one completes it and answers 200 with the file), then checks the
// SHA-1, the path and the capacity again. Received parts are saved by the kit (SavePart)
// and read back at start, so a session survives a restart with -data.
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
//     absent unchanged; below -1 is 40001. size_org_use is the sum of the library's file
//     sizes, file_count and dir_count its files and folders.
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
//
// The file API and the upload server (provider-apis.md §3.4–3.6 leave these open too):
//
//   - File operations need a library credential (org_client_id): the enterprise's
//     client_id is 403 40301. The credential names its library; an org_id or mount_id
//     parameter naming another library is 403 40301, as on /1/org/.
//   - fullpath is relative, '/'-separated, without empty, '.' or '..' names, control
//     characters or backslashes (gokuai.CheckPath), else 40001. Parents are created by
//     create_file ("文件夹会自动创建") and create_folder; a parent that is a file, or a
//     folder at the path, is 409 40901.
//   - overwrite=0 (or absent) with a file at the path is 409 40901 FileExists, at
//     create_file and again at upload_finish (the upload is then dropped); the service is
//     not assumed to rename. overwrite=1 replaces the file. Callers should still compare
//     the answered fullpath with the one asked for.
//   - Instant upload: any stored file of any library of the enterprise with the same
//     SHA-1 and size (the storage is content-addressed); the new file shares its bytes.
//     upload_init answers 202 and creates the file likewise when the content was stored
//     after create_file.
//   - create_file answers {"fullpath","hash","state","server"} (state 1 also filehash and
//     filesize, no server). hash is hex SHA-1 of "<mount_id>/<fullpath>". server is
//     Options.UploadServer or http://{Host}/m-upload, one address with its scheme.
//   - One upload per path and library: create_file for the same content keeps the open
//     upload (upload_init then answers the same session, so a client resumes); for
//     another content it ends the older session (401 40104 from then on).
//   - Sessions live 24 h (Options.SessionLifetime) from create_file and from the first
//     upload_init, capped by the kit's ExpireUploadAfter; an expired, aborted or unknown
//     session is 401 40104 on every route (the SDKs' "401 session invalid"). A finished
//     session keeps answering: finish 200 with the file, upload_req the size, a part 202.
//   - upload_init: org_client_id unknown 401 40103; no create_file for that pathhash in
//     the credential's library 404 40407; headers not create_file's 40001 (the name
//     URL-decoded, compared with the fullpath's last name).
//   - upload_part: the range must be decimal start-end, inclusive, start at the offset
//     (else 409 {"expect":"<offset>"}, the offset as a string), end before the file's
//     size, at most 10 MiB (upload.MaxPartSize), and Content-Length its length (else
//     40001). x-gk-upload-crc (CRC-32 IEEE, decimal) is optional (the CLI omits it) and
//     checked when given: 400 40002. A part when every byte is held answers 202.
//   - upload_finish before every byte arrived is 409 {"expect"}; a content whose SHA-1 is
//     not filehash is 400 40003 and the upload is dropped; capacity 403 40303.
//   - The upload server answers errors in the API's shape {"error_code","error_msg"};
//     upload_req answers the offset as a plain-text integer. upload_all, upload_servers
//     and the user-API variant (x-gk-token) are not emulated.
//   - del (fullpaths separated by '|') deletes at once (no recycle bin); every path must
//     exist, else 404 40401 and nothing is deleted. Files and folders are logged (act 1
//     created, 0 deleted; act_name "file/<operation>").
//   - CORS on the upload server: any origin; methods GET, PUT, POST, OPTIONS; preflights
//     allow content-type and x-gk-upload-*; answers expose X-Request-Id, Content-Length
//     and Content-Type (the service's own CORS policy is not documented).
package gokuaiemu
