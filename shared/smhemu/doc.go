// Package smhemu is a strict, local emulator of Tencent Cloud Smart Media Hosting (SMH):
// the token API, the upload control plane (begin, renew, state, confirm, cancel), quick
// upload by hash, directories, files and tenant spaces under /api/v1/, plus the COS-like
// data plane that upload info points at (under /cos/), and a test-control API under
// /_emulator/.
//
// It is shaped like fake-gcs-server's fakestorage package. An *Emulator is a plain
// http.Handler; a *Server wraps one in a loopback listener (NewServer) or in an in-memory
// transport without any socket (NewServerNoListener):
//
//	srv, _ := smhemu.NewServer(smhemu.Options{})
//	defer srv.Close()
//	client := srv.HTTPClient()
//	resp, _ := client.Get(srv.URL() + "/api/v1/token?library_id=smhdev&library_secret=devsecret&grant=upload_file")
//
// Go tests arrange and inspect state without HTTP through IssueToken, PutFile, MakeDir,
// CreateSpace, ReadFile, Files, OpenUploads, Stats, SetFaults, ExpireNow and Reset.
//
// This package is the SMH half of an emulator built on shared/emukit, which brings the
// provider-neutral half: the test-control API, fault injection, stats, persistence and the
// Server plumbing. FaultConfig, Stats and Error are the kit's types.
//
// When in doubt the emulator refuses, as the real service would. Every error is a typed
// *Error with the service's status and code, rendered in one place as
// {"code","message","requestId"} (COS XML <Error> on the data plane), and every answer
// carries X-Request-Id.
//
// With Options.DataDir set, files, upload tasks with their received parts, tokens and the
// key that signs data-plane headers survive a restart. Every write goes to a temporary
// file that is then renamed, and the state is saved before each answer, so no partial file
// is ever visible and a killed process loses nothing it acknowledged. One emulator at a
// time may use a data directory.
//
// # Where the reference is silent
//
// These are the emulator's choices, each strict rather than lenient:
//
//   - Unknown grant: 400 InvalidGrant. Multi-tenant token without space_id and without
//     admin, create_space or delete_space: 400 EmptySpaceId. Bad path level ("", ".",
//     "..", control characters): 400 InvalidPath. Other malformed input: 400
//     InvalidParameter. Unknown route: 404 RouteNotFound; wrong method: 405
//     MethodNotAllowed.
//   - File and directory paths: "%2F" separates levels as "/" does (official SDKs encode
//     the whole path parameter). The path is unescaped once, then split, so encoded bad
//     levels ("%2E%2E", "a%2F..%2Fb", "a%2F%2Fb") are refused like plain ones, and
//     "%252F" is the characters "%2F" of a name. Library and space ids are single segments.
//   - Operations the emulator does not do answer 501 NotImplemented, whatever the method,
//     and never run another operation in their place: on directories ?stats, ?calibrate,
//     ?update; on files ?virtual_file, ?convert, ?uncompress, ?preview (thumbnails) and
//     ?history_id (earlier versions); on spaces ?count, GET /space/{lib}/count and
//     /space/{lib}/{space}/extension, size, file-count, traffic-limit, contents-view; and
//     the bodies of move, copy, symlink and create from a template (from, copyFrom,
//     linkTo, fromTemplate).
//   - Quota: 403 LibraryQuotaLimitReached, checked at begin (filesize or body size) and at
//     confirm.
//   - Media libraries: a name that is not an image or video is 400 ExtnameNotAllowed.
//   - Upload state is readable with confirm_upload too (a backend that confirms reads the
//     task); renew and cancel need the begin grants. UploadNotBelongYou is never answered:
//     a task may be confirmed by another token of the same space (that is what
//     confirm_upload is for).
//   - Overwrite at confirm is allowed when the task was begun with a *_force grant, or the
//     confirming token has admin, space_admin or upload_file_force.
//   - Begin answers 200 (no hash), 201 (hash, no match), 202 {} (size and beginningHash
//     match), 200 + file object (fullHash matches too, token may confirm).
//   - Confirm needs parts 1..n without a gap (404 UploadIncomplete), every part but the last
//     at least 1 MiB (400 MultipartUploadPartTooSmall), and exactly the size announced at
//     begin when one was (404 UploadIncomplete). A confirmed task is gone: 404
//     UploadNotFound afterwards. A simple upload's state lists no parts.
//   - A file's eTag is COS's: the quoted MD5 of a simple upload, the quoted MD5 of the part
//     MD5s with "-n" for a multipart one.
//   - Data plane: upload info's path is /cos/up/{library}/{key}; the Authorization header
//     (q-sign-time, q-serial, HMAC-SHA256 over method, object path, uploadId and validity)
//     and x-cos-security-token are both required; Content-Length is required (411); a part
//     is at most 5 GiB; the request body is read before an error is answered, so browsers
//     see the error rather than a broken connection. Signatures last one hour.
//   - Downloads answer 302 to a signed data-plane URL (file info's cosUrl), which serves
//     ranges.
//   - Faults: preflight (OPTIONS) and test-control requests are never faulted and draw no
//     randomness (browsers cache preflights). expireUploadAfter and expireTokenAfter apply
//     to signatures and tokens issued after they are set. A stall holds the connection for
//     FaultConfig.StallFor (default 5 minutes), or until the faults change, Reset or Close.
//   - Stats count API and data-plane requests, not test-control ones. A request is counted
//     before its client can see any of the answer or its connection go (a stall as it
//     begins), and an injected fault in faultsInjected in the same update.
package smhemu
