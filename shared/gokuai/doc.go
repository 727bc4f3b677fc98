// Package gokuai is Ferry's client for the Gokuai (够快云库) open API: the 21 library
// operations of /m-open/1/org/* (seed 001), signed per request with HMAC-SHA1, and the
// library file API a brokered upload needs (/m-open/1/file/: CreateFile, FileInfo,
// DeleteFiles, CreateFolder), signed with a library credential from Bind. The bytes go
// to the upload server with package upload, which holds no secret (the browser's side).
//
// Every call is a form-encoded POST whose parameters carry the credential id (client_id
// for the enterprise, org_client_id for a library), dateline (Unix seconds, from the
// Client's clock) and sign (Sign). There are no tokens: a signature is valid for the
// service's dateline window only, so a retried call is signed again.
//
// Like shared/smh it never imports net/http: requests go through the one-method Doer seam
// (package gokuaihttp implements it with net/http). Errors are typed: *Error carries a
// stable Code (use Code(err), never the message) beside the service's numeric error_code
// and error_msg; *NetworkError a transport failure. Neither carries a URL or a parameter,
// so no secret or signature leaks through an error.
//
// The service sends numbers as JSON numbers or as strings, depending on the call and the
// deployment: answers decode them with Int and Text, which take either.
package gokuai
