// Accept rules: whether a file matches an accept list ("image/*,.pdf"), and the list in words.

// Accept lists: "image/*,.pdf" and the like, matched on MIME type or extension. Browsers give
// some files no MIME type (HEIC on many systems), so the extension decides for those.

const EXT_TYPES = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp",
  avif: "image/avif", heic: "image/heic", heif: "image/heif", bmp: "image/bmp", tif: "image/tiff",
  tiff: "image/tiff", svg: "image/svg+xml", pdf: "application/pdf", mp4: "video/mp4",
  mov: "video/quicktime", webm: "video/webm", mkv: "video/x-matroska", mp3: "audio/mpeg",
  wav: "audio/wav", m4a: "audio/mp4", txt: "text/plain", zip: "application/zip",
};

function extOf(name) {
  const m = /\.([^./\\]+)$/.exec(name || "");
  return m ? m[1].toLowerCase() : "";
}

function typeOf(file) {
  return (file.type || EXT_TYPES[extOf(file.name)] || "").toLowerCase();
}

function parseAccept(accept) {
  return String(accept || "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
}

function accepts(list, file) {
  if (!list.length) return true;
  const type = typeOf(file);
  const name = (file.name || "").toLowerCase();
  return list.some((a) => {
    if (a.startsWith(".")) return name.endsWith(a);
    if (a.endsWith("/*")) return type.startsWith(a.slice(0, -1));
    return type === a;
  });
}

function describeAccept(list, t) {
  return list.map((a) => {
    if (a === "image/*") return t("typeImages");
    if (a === "video/*") return t("typeVideos");
    if (a === "audio/*") return t("typeAudio");
    if (a.startsWith(".")) return a.slice(1).toUpperCase();
    return a;
  }).join(t("listJoin"));
}
