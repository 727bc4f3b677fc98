// Package pds is the token function's Alibaba PDS provider (interfaces.md §5, provider-apis.md
// §2): it runs PDS's upload control plane for brokered uploads, with each caller's own
// access token obtained server-side through the JWT-bearer grant (shared/pds.UserTokens),
// so the browser holds no PDS credential and only PUTs bytes to the presigned part URLs the
// function hands out.
//
// Paths: PDS addresses files by parent_file_id. A ticket's path is resolved folder by folder
// (get_by_path, then create with check_name_mode "refuse" for the missing ones, which answers
// an existing folder instead of making a second), inside the caller's drive.
//
// Sessions: the ticket carries "drive_id/file_id/upload_id" (PDS ids hold no "/").
package pds
