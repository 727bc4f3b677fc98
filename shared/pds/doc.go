// Package pds is Ferry's server-side client of Alibaba Cloud Drive and Photo Service (PDS,
// API 2022-03-01): the OAuth token endpoint with its three grants (JWT bearer, authorization
// code, refresh token), and the upload control plane (create, get_upload_url,
// list_uploaded_parts, complete) with the file lookups the token function needs to resolve
// paths to file ids (PDS addresses files by parent_file_id, not by path).
//
// It runs in the token function only: a PDS access token carries the user's full rights and
// must never reach a browser. Errors are typed: *Error carries PDS's stable code (use
// Code(err), never the message) and the x-ca-request-id; *NetworkError a transport failure.
// Neither carries a URL, a token or an assertion.
package pds
