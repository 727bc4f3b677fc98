package function

import (
	"fmt"
	"strings"
)

// mimeByExt maps lower-case extensions to MIME types. It is built in (not the platform's
// mime database) so that allowedTypes matches the same way locally, on Lambda and on
// Workers. An extension missing here matches only entries that name the extension itself.
var mimeByExt = map[string]string{
	".avif": "image/avif", ".bmp": "image/bmp", ".gif": "image/gif", ".heic": "image/heic",
	".heif": "image/heif", ".ico": "image/x-icon", ".jpeg": "image/jpeg", ".jpg": "image/jpeg",
	".png": "image/png", ".svg": "image/svg+xml", ".tif": "image/tiff", ".tiff": "image/tiff",
	".webp": "image/webp", ".dng": "image/x-adobe-dng", ".raw": "image/x-raw",
	".3gp": "video/3gpp", ".avi": "video/x-msvideo", ".flv": "video/x-flv", ".m4v": "video/x-m4v",
	".mkv": "video/x-matroska", ".mov": "video/quicktime", ".mp4": "video/mp4", ".mpeg": "video/mpeg",
	".mpg": "video/mpeg", ".ogv": "video/ogg", ".ts": "video/mp2t", ".webm": "video/webm",
	".wmv": "video/x-ms-wmv",
	".aac": "audio/aac", ".flac": "audio/flac", ".m4a": "audio/mp4", ".mp3": "audio/mpeg",
	".oga": "audio/ogg", ".ogg": "audio/ogg", ".opus": "audio/opus", ".wav": "audio/wav",
	".weba": "audio/webm", ".wma": "audio/x-ms-wma",
	".csv": "text/csv", ".htm": "text/html", ".html": "text/html", ".md": "text/markdown",
	".txt": "text/plain", ".log": "text/plain", ".xml": "application/xml", ".json": "application/json",
	".pdf": "application/pdf", ".rtf": "application/rtf", ".epub": "application/epub+zip",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
	".odp": "application/vnd.oasis.opendocument.presentation",
	".7z":  "application/x-7z-compressed", ".bz2": "application/x-bzip2", ".gz": "application/gzip",
	".rar": "application/vnd.rar", ".tar": "application/x-tar", ".tgz": "application/gzip",
	".xz": "application/x-xz", ".zip": "application/zip", ".zst": "application/zstd",
	".bin": "application/octet-stream", ".iso": "application/x-iso9660-image",
	".apk": "application/vnd.android.package-archive", ".dmg": "application/x-apple-diskimage",
	".exe": "application/vnd.microsoft.portable-executable",
}

// extOf returns the lower-case extension of a file name ("Photo.JPG" → ".jpg"), or "".
func extOf(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	return strings.ToLower(name[i:])
}

// typeAllowed reports whether a file name matches a role's allowedTypes. An empty list
// allows every type. Entries are extensions (".pdf") or MIME patterns ("image/*",
// "application/pdf"); MIME patterns match through the name's extension.
func typeAllowed(name string, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	ext := extOf(name)
	mt := mimeByExt[ext]
	for _, a := range allowed {
		a = strings.ToLower(a)
		switch {
		case strings.HasPrefix(a, "."):
			if ext != "" && a == ext {
				return true
			}
		case strings.HasSuffix(a, "/*"):
			if mt != "" && strings.HasPrefix(mt, strings.TrimSuffix(a, "*")) {
				return true
			}
		default:
			if mt != "" && a == mt {
				return true
			}
		}
	}
	return false
}

// checkTypePattern validates one allowedTypes entry at start.
func checkTypePattern(a string) error {
	bad := func() error {
		return fmt.Errorf("allowedTypes entry %q: use an extension like \".pdf\" or a MIME pattern like \"image/*\" or \"application/pdf\"", a)
	}
	token := func(s string) bool {
		if s == "" || len(s) > 100 {
			return false
		}
		for _, c := range []byte(s) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("+-._", c) >= 0) {
				return false
			}
		}
		return true
	}
	if strings.HasPrefix(a, ".") {
		if !token(a[1:]) || strings.Contains(a[1:], ".") {
			return bad()
		}
		return nil
	}
	typ, sub, ok := strings.Cut(a, "/")
	if !ok || !token(typ) || !(sub == "*" || token(sub)) {
		return bad()
	}
	return nil
}
