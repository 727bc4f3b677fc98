// Package engine is Ferry's upload engine: resumable, verified uploads of files into a media
// library, in pure Go. It knows nothing of the browser: the worker in package main of wasm/
// plugs browser implementations into its seams (fetch, XMLHttpRequest, Blob reads,
// crypto.subtle, IndexedDB, Web Locks), and native tests plug in net/http and memory.
//
// One Engine runs many files. Each file is a Task with the states of interfaces.md §4:
//
//	queued → hashing → beginning ─┬─→ rapid                       (quick upload hit)
//	                              └─→ uploading → confirming → done
//	any active state → paused | failed | canceled;  paused → queued (Resume);  failed → queued (Retry)
//
// The flow of one file:
//
//  1. Get a token (TokenSource: the token function's /v1/token, cached, refreshed ahead of
//     expiry and on InvalidAccessToken by one single-flight call shared by every part).
//  2. Join the token's limits.pathPrefix with the page's path (never escaping the prefix)
//     and check the token's limits (size, types).
//  3. hashing: the SHA-256 of the first MiB (SMH's beginningHash) identifies the content; with
//     the library, space, target path, name, size and last-modified it keys the checkpoint.
//     A lock (Web Locks in the browser) makes one tab the owner; a second sees Busy.
//  4. A checkpoint for the same file resumes: the server's list of parts is read, the parts
//     whose size matches and whose CRC-64, recomputed from the local file, equals the stored
//     one are kept (each on its own, so parts acknowledged out of order are kept too), the
//     task is renewed and the rest is sent. A file whose name, size or last-modified differ
//     is refused with FileChanged.
//  5. beginning: the Driver begins the upload, with quick upload when allowed (beginningHash →
//     202, or the function's 409 HashNeeded → the chained full hash, checkpointed as it goes →
//     the file = done with no bytes sent), and creates a missing parent directory once. The
//     token answer's mode picks the driver: direct (SMHDriver: an SMH token in the engine) or
//     brokered (BrokeredDriver: the token function begins, renews, reads, completes and
//     aborts; the engine holds no provider credential and only PUTs bytes to the targets the
//     function hands out). The session says how the file is cut (brokered: the function
//     decides the part size), and a task found gone begins afresh.
//  6. uploading: parts go out through the PartSender, Options.Concurrency in flight across all
//     files, each with its CRC-64 checked against the data plane's; faults are classified
//     (retry with capped exponential backoff and full jitter, renew expired signatures, refresh
//     the token, or fail with the server's code) and a stall watchdog retries a part that makes
//     no progress.
//  7. confirming: the per-part CRCs are combined (no second pass over the file) and sent with
//     the confirm, directly, through the function's /v1/confirm, or (brokered) its complete.
//
// Memory is bounded by a fixed pool of buffers: Concurrency part buffers natively, small CRC
// read buffers when parts stream straight from the source (the browser), so memory stays flat
// whatever the file size.
//
// Errors are *Error values with stable codes; the server's codes pass through.
package engine
