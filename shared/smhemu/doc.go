// Package smhemu is a strict, local emulator of Tencent Cloud Smart Media Hosting (SMH):
// the token API, the upload control plane (begin, renew, state, confirm, cancel), quick
// upload by hash, directories, files and tenant spaces under /api/v1/, plus the COS-like
// data plane that upload info points at, and a test-control API under /_emulator/.
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
// Go tests arrange and inspect state without HTTP through IssueToken, PutFile, Files,
// OpenUploads, Stats, SetFaults, ExpireNow and Reset.
//
// When in doubt the emulator refuses, as the real service would: every error is a typed
// *Error with the service's status and code, rendered in one place as
// {"code","message","requestId"} (XML <Error> on the data plane).
//
// With Options.DataDir set, files, upload tasks with their received parts, tokens and the
// key that signs data-plane headers survive a restart. Every write goes to a temporary
// file that is then renamed, so no partial file is ever visible.
package smhemu
