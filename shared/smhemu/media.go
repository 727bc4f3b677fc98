package smhemu

import (
	"strings"
)

// Extensions a media library takes (case-insensitive). Anything else is refused with
// 400 ExtnameNotAllowed, including names without an extension.
var (
	imageExts = map[string]string{
		"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
		"bmp": "image/bmp", "webp": "image/webp", "heic": "image/heic", "heif": "image/heif",
		"tif": "image/tiff", "tiff": "image/tiff", "avif": "image/avif", "svg": "image/svg+xml",
		"ico": "image/x-icon", "dng": "image/x-adobe-dng",
	}
	videoExts = map[string]string{
		"mp4": "video/mp4", "m4v": "video/x-m4v", "mov": "video/quicktime", "avi": "video/x-msvideo",
		"mkv": "video/x-matroska", "wmv": "video/x-ms-wmv", "flv": "video/x-flv", "webm": "video/webm",
		"3gp": "video/3gpp", "mpg": "video/mpeg", "mpeg": "video/mpeg", "ts": "video/mp2t",
		"m2ts": "video/mp2t", "rmvb": "application/vnd.rn-realmedia-vbr",
	}
	otherExts = map[string][2]string{ // content type, fileType
		"txt": {"text/plain", "text"}, "md": {"text/markdown", "text"}, "csv": {"text/csv", "text"},
		"json": {"application/json", "text"}, "html": {"text/html", "text"}, "xml": {"application/xml", "text"},
		"pdf": {"application/pdf", "portable"}, "doc": {"application/msword", "word"},
		"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word"},
		"xls":  {"application/vnd.ms-excel", "excel"},
		"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "excel"},
		"ppt":  {"application/vnd.ms-powerpoint", "powerpoint"},
		"pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "powerpoint"},
		"zip":  {"application/zip", "archive"}, "gz": {"application/gzip", "archive"},
		"tar": {"application/x-tar", "archive"}, "7z": {"application/x-7z-compressed", "archive"},
		"rar": {"application/vnd.rar", "archive"}, "mp3": {"audio/mpeg", "audio"},
		"wav": {"audio/wav", "audio"}, "flac": {"audio/flac", "audio"}, "m4a": {"audio/mp4", "audio"},
		"ogg": {"audio/ogg", "audio"}, "aac": {"audio/aac", "audio"},
	}
)

func extOf(name string) string {
	_, ext := splitExt(name)
	return strings.ToLower(strings.TrimPrefix(ext, "."))
}

// fileKind is SMH's "type" of a file: image, video or file.
func fileKind(name string) string {
	ext := extOf(name)
	if _, ok := imageExts[ext]; ok {
		return "image"
	}
	if _, ok := videoExts[ext]; ok {
		return "video"
	}
	return "file"
}

// contentType and fileType (word, excel, image, …, other) by extension.
func contentType(name string) (ctype, ftype string) {
	ext := extOf(name)
	if t, ok := imageExts[ext]; ok {
		return t, "image"
	}
	if t, ok := videoExts[ext]; ok {
		return t, "video"
	}
	if t, ok := otherExts[ext]; ok {
		return t[0], t[1]
	}
	return "application/octet-stream", "other"
}

// checkFilePath applies the media-library rules to the path of a file: images and videos
// only; in multi-album mode exactly "album/file", otherwise no directories at all.
func checkFilePath(lib Library, sp *space, p []string) error {
	if lib.Kind != KindMedia {
		return nil
	}
	if fileKind(p[len(p)-1]) == "file" {
		return ErrExtnameNotAllowed.With("%q is not an image or video", p[len(p)-1])
	}
	switch {
	case sp.MultiAlbum && len(p) == 1:
		return ErrUploadToRootNotAllowed
	case sp.MultiAlbum && len(p) > 2:
		return ErrDirectoryLevelExceed
	case !sp.MultiAlbum && len(p) > 1:
		return ErrDirectoryNotAllowed
	}
	return nil
}

// checkDirPath applies the media-library rules to a directory (album) path.
func checkDirPath(lib Library, sp *space, p []string) error {
	if lib.Kind != KindMedia {
		return nil
	}
	if !sp.MultiAlbum {
		return ErrDirectoryNotAllowed
	}
	if len(p) > 1 {
		return ErrDirectoryLevelExceed
	}
	return nil
}
