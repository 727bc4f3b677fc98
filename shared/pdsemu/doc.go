// Package pdsemu is a strict, local emulator of an Alibaba Cloud Drive and Photo Service
// (PDS, API 2022-03-01) domain, built on shared/emukit: the OAuth token endpoint with its
// three grants and a dev authorize page, the upload control plane (file/create,
// get_upload_url, list_uploaded_parts, complete) with rapid upload, get, get_by_path,
// list and delete, the OSS-like data plane the presigned part URLs point at, and the
// kit's test-control API under /_emulator/ (healthz, reset, faults, expire, files,
// uploads, stats; ?library= is a drive id).
//
//	POST /v2/oauth/token           form body; grant_type jwt-bearer | authorization_code | refresh_token
//	GET  /v2/oauth/authorize       dev page: approves at once, 302 redirect_uri?code=…&state=…
//	POST /v2/file/{create,get,get_by_path,list,delete,get_upload_url,list_uploaded_parts,complete}
//	PUT  /_oss/{upload_id}/{part_number}?Expires&OSSAccessKeyId&Signature&partNumber&uploadId
//
// Dev defaults (interfaces.md §5.4): domain "pdsdev"; JWT app "ferry-dev-app", whose RSA
// public key is Options.JWTPublicKey or JWTPublicKeyPEM (without one every assertion is
// refused); web app "ferry-dev-web" / "pdsdevsecret" whose registered redirect URIs are
// every loopback http URL; one default drive per user, created by auto_create or by the
// authorize page. Every answer carries x-ca-request-id; API errors are
// {"code","message"}, data-plane errors OSS XML <Error><Code>…</Code><Message>…</Message>.
//
// When in doubt the emulator refuses, as the real service would. With Options.DataDir,
// users, drives, files, tokens, codes, open uploads with their parts and the URL signing
// key survive a restart (the kit saves the state before each answer).
//
// # OAuth choices
//
//   - Refresh tokens rotate: each refresh answers a new refresh token and spends the one
//     presented; a spent, expired or unknown one is InvalidGrant. They live 30 days and
//     are bound to the client they were issued to (the JWT app refreshes without a
//     secret, the web app with its secret). JWT-bearer answers carry one too.
//   - The dev authorize page signs in the user named by login_hint (default "dev-user"),
//     creating it with its default drive when new, and approves at once. It never
//     redirects a request it cannot trust (unknown client, unregistered redirect_uri):
//     those get a JSON error. A bad response_type is an error too, not a redirect.
//   - Codes live 60 s, are single-use (spent when presented, whatever the outcome, once
//     the client authenticated), and bound to client_id and the exact redirect_uri.
//   - Access tokens are opaque, live 2 h (Options.AccessTokenTTL; the expireTokenAfter
//     fault caps them; /_emulator/expire ends them) and then answer 401
//     AccessTokenInvalid, as an unknown or missing token does.
//
// # Assumptions about the real service
//
// The reference (provider-apis.md §2) leaves these open; each is the emulator's choice:
//
//   - Token endpoint: parameters in the form body only (a query string is refused), each
//     at most once; domain_id is not required. Errors: unknown grant_type 400
//     UnsupportedGrantType; unknown client or wrong secret 401 InvalidClient; any bad
//     assertion, code or refresh token 400 InvalidGrant (the message says why); unknown
//     user without auto_create 404 NotFound.User; missing parameters 400
//     InvalidParameterMissing. The grant string is "authorization_code" (the JS SDK's
//     "code" is refused).
//   - Assertions: header alg RS256 only (typ JWT or absent, no crit); iss = client_id;
//     sub_type "user" only (service subjects are not emulated); sub a user id of 1-128
//     bytes without whitespace, control characters or '/' (auth0|… and e-mail addresses
//     pass; login_hint follows the same rule); aud the domain id (or an array holding it); exp in the
//     future and at most 10 minutes away; iat required and at most 1 minute in the
//     future (the SDK's iat = now−300 passes); nbf optional, same bound; jti required,
//     refused again until its exp (replay).
//   - Drive access: a token acts on its user's drives only (403 Forbidden); unknown
//     drive 404 NotFound.Drive; share_id is not emulated (400 InvalidParameter).
//   - create answers 201 for a folder, a new upload, a rapid upload and a refused name
//     (exist:true with the existing entry's file_id, type and name, no upload_id); a
//     rapid upload has no upload_id or part_info_list. Missing parent 404
//     NotFound.ParentFileId. Names: 1-1024 bytes of UTF-8 without '/', and not "." or
//     ".." or holding control characters. part_info_list numbers 1..n each once (any
//     order), n ≤ 10000; omitted is one part; part_size, content_md5 and parallel_sha1_ctx
//     are accepted and ignored. size is required for files (a number or a decimal string).
//   - check_name_mode (default ignore) compares with files and folders of the same
//     parent; auto_rename gives "name_YYYYMMDD_HHMMSS.ext" (then "_2", "_3"…). It applies
//     again at complete against files stored since create (refuse → 409
//     AlreadyExist.File). file_id on create uploads a new revision of that file (its
//     name and parent kept; check_name_mode not applied).
//   - pre_hash (SHA-1 of the first 1 KiB) without content_hash: 409 PreHashMatched when
//     a stored file of the same drive has that pre_hash and size; otherwise the upload
//     proceeds. content_hash (40 hex digits, either case; content_hash_name "sha1") wins
//     over pre_hash: rapid_upload:true when a stored file of the same drive has that
//     SHA-1 and size. Deduplication does not cross drives.
//   - A file being uploaded is invisible (get, get_by_path, list) until complete.
//     get_by_path takes "/a/b/name"; among duplicate names the oldest wins.
//   - Part URLs: OSS V1-like query (Expires in Unix seconds, OSSAccessKeyId
//     "STS.pdsemu<serial>", Signature = base64 HMAC-SHA1 under a per-emulator key over
//     method, upload id, part number, Expires and key id); Content-Type is not signed.
//     The URL is checked before anything else: missing parameters 403 AccessDenied,
//     wrong signature 403 SignatureDoesNotMatch, expired 403 AccessDenied "Request has
//     expired.", unknown or completed upload 404 NoSuchUpload. Valid 15 minutes (the
//     expireUploadAfter fault shortens it). internal_upload_url is the same URL.
//   - Part PUT: Content-Length required (411), ≤ 5 GiB; without parallel_upload part n
//     needs part n−1 stored (400 PartNotSequential); a part re-sent replaces the earlier
//     one (never 409). Answers 200 with ETag = the quoted uppercase MD5 hex (OSS's form)
//     and x-oss-hash-crc64ecma = the decimal CRC-64/XZ; both exposed through CORS.
//   - list_uploaded_parts: limit 1..100 (default 100); part_number_marker a number or a
//     decimal string; next_part_number_marker a string, "" on the last page.
//     get_upload_url requires part_info_list; on an upload completed within the last
//     day it answers 409 AlreadyExist.File (later, or never created: 404
//     NotFound.UploadId), list_uploaded_parts and complete 404 NotFound.UploadId.
//   - complete: every declared part present (400 InvalidPart), every part but the last at
//     least 100 KiB (400 EntityTooSmall; Options.MinPartSize), sizes summing to size (400
//     InvalidParameterNotMatch.Size), etags of part_info_list (when given) those stored
//     (400 InvalidPart), crc64_hash (when given, decimal) the CRC-64/XZ of the bytes (400
//     InvalidParameterNotMatch.Crc64Hash). A refused complete leaves the upload open.
//     It answers 200 with the File (content_hash uppercase SHA-1, crc64_hash decimal).
//   - list: limit 1..100 (default 100), by name; next_marker is the emulator's opaque
//     marker. delete answers 204 and removes a folder's contents at once (no recycle bin).
//   - Unknown route 404 RouteNotFound, wrong method 405 MethodNotAllowed; injected
//     faults 500 InternalError / 503 ServiceUnavailable in the plane's error shape.
//
// # Example
//
// A whole upload (ExampleServer runs it): a JWT-bearer token, create with two parts, each
// part PUT to its presigned URL, complete with the CRC-64.
//
//	srv, _ := pdsemu.NewServer(pdsemu.Options{JWTPublicKey: &key.PublicKey})
//	defer srv.Close()
//	hc, base := srv.HTTPClient(), srv.URL()
//
//	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
//		"client_id": {pdsemu.DevJWTClientID}, "assertion": {signedAssertion}} // RS256, aud "pdsdev"
//	resp, _ := hc.Post(base+"/v2/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
//	// → {"access_token","refresh_token","expires_in":7200,"token_type":"Bearer","user_id","domain_id","default_drive_id"}
//
//	// POST /v2/file/create, Authorization: Bearer <access_token>
//	//   {"drive_id":…,"parent_file_id":"root","name":"report.bin","type":"file","size":102407,
//	//    "check_name_mode":"refuse","part_info_list":[{"part_number":1},{"part_number":2}]}
//	// → 201 {"file_id","upload_id","rapid_upload":false,"exist":false,"part_info_list":[{"part_number":1,"upload_url":…},…]}
//
//	for i, part := range parts { // in order unless parallel_upload
//		req, _ := http.NewRequest("PUT", created.PartInfoList[i].UploadURL, bytes.NewReader(part))
//		resp, _ := hc.Do(req) // 200, ETag and x-oss-hash-crc64ecma
//	}
//
//	// POST /v2/file/complete {"drive_id","file_id","upload_id","crc64_hash":"<decimal CRC-64/XZ>"}
//	// → 200 {"file_id","name":"report.bin","size":102407,"content_hash":"<SHA-1>","crc64_hash":…}
//	// GET /_emulator/files?library=<drive_id> → [{"path":"/report.bin","size":102407,"sha256":…}]
package pdsemu
