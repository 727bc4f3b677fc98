/*! Ferry: the <ferry-uploader> element and window.Ferry. https://github.com/ferry-upload/ferry
 *
 * The only file a page includes:   <script src="https://HOST/PATH/ferry.js" defer></script>
 *
 * It loads wasm_exec.js, worker.js and ferry.wasm from its own base URL, lazily (on first use, or
 * when a <ferry-uploader> becomes visible), in a dedicated Worker started from a blob: URL, so the
 * base may be another origin (a CDN). The upload engine is Go compiled to WebAssembly and runs in
 * that worker: this file holds no upload logic. It turns calls into worker messages and draws the
 * task snapshots the engine sends back. Plain modern JavaScript; no bundler, no dependencies.
 */
(() => {
  "use strict";
  if (window.Ferry && window.Ferry.version) return; // included twice

  const VERSION = "0.1.0";
  const script = document.currentScript;
  const BASE = new URL(".", (script && (script.dataset.base || script.src)) || location.href).href;

  const ACTIVE = new Set(["queued", "hashing", "beginning", "uploading", "confirming"]);
  const FINISHED = new Set(["done", "rapid"]);

  // ---------------------------------------------------------------------------------------------
  // Messages, English and Simplified Chinese. Ferry.addLocale(name, strings) adds or overrides.

  const LOCALES = {
    en: {
      region: "File upload",
      dropTitle: "Drag and drop files here",
      dropOr: "or",
      chooseFiles: "Choose files",
      chooseFolder: "Choose a folder",
      pasteHint: "You can also paste files with Ctrl+V.",
      dropNow: "Drop to upload",
      hintTypes: "Accepted: {types}",
      hintSize: "Up to {size} per file",
      hintCount: "At most {n} files",
      hintCount_one: "One file at most",
      listLabel: "Uploads",
      queued: "Waiting",
      hashing: "Checking the file",
      beginning: "Starting",
      uploading: "Uploading",
      confirming: "Finishing",
      done: "Uploaded",
      rapid: "Uploaded instantly",
      rapidNote: "The library already had this file, so no bytes were sent.",
      instant: "Instant",
      paused: "Paused",
      failed: "Failed",
      canceled: "Canceled",
      bytesOf: "{loaded} of {size}",
      perSecond: "{speed}/s",
      left: "{eta} left",
      pause: "Pause",
      resume: "Resume",
      retry: "Retry",
      cancel: "Cancel",
      remove: "Remove from list",
      pauseName: "Pause {name}",
      resumeName: "Resume {name}",
      retryName: "Retry {name}",
      cancelName: "Cancel {name}",
      removeName: "Remove {name} from the list",
      progressName: "Upload progress of {name}",
      totalProgress: "Total upload progress",
      pauseAll: "Pause all",
      resumeAll: "Resume all",
      cancelAll: "Cancel all",
      retryFailed: "Retry failed",
      clearFinished: "Clear finished",
      summaryActive: "Uploading {n} files",
      summaryActive_one: "Uploading 1 file",
      summaryDoneOf: "{done} of {total} done",
      summaryIdle: "{done} of {total} files uploaded",
      summaryIdle_one: "{done} of 1 file uploaded",
      summaryPaused: "Paused: {n} of {total} files",
      summaryPaused_one: "Paused: {n} of 1 file",
      summaryFailed: "{n} failed",
      announceProgress: "{percent}% uploaded, {n} files in progress",
      announceDone: "{name} uploaded",
      announceRapid: "{name} uploaded instantly",
      announceFailed: "{name} failed: {message}",
      announceCanceled: "{name} canceled",
      announcePaused: "{name} paused",
      announceAdded: "{n} files added",
      announceAllDone: "All uploads finished",
      dismiss: "Dismiss",
      rejectedType: "“{name}” wasn't added: this type of file isn't accepted here (accepted: {types}).",
      rejectedSize: "“{name}” wasn't added: it is {size}, more than the {max} limit per file.",
      rejectedEmpty: "“{name}” wasn't added: it is empty (0 bytes).",
      rejectedCount: "Too many files: the limit here is {max}, so {n} were not added.",
      rejectedCount_one: "Too many files: the limit here is {max}, so 1 was not added.",
      notConfigured: "This uploader isn't set up yet: the page must give it a token-url.",
      engineFailed: "The uploader couldn't start: {message}",
      resumeTitle: "Continue where you left off?",
      resumeIntro: "{n} uploads were interrupted when the page closed. Their progress is kept.",
      resumeIntro1: "1 upload was interrupted when the page closed. Its progress is kept.",
      resumeEntry: "{name} · {size} · {percent}% done",
      resumeAction: "Resume",
      resumeChoose: "Choose the file to resume",
      resumeChooseName: "Choose {name} again to resume it",
      resumeActionName: "Resume {name}",
      resumeLater: "Not now",
      resumeDiscard: "Discard",
      resumeDiscardName: "Discard the interrupted upload of {name}",
      announceDiscarded: "The interrupted upload of {name} was discarded",
      resumeShow: "Show interrupted uploads ({n})",
      resumePick: "Your browser no longer has access to this file. Pick the same file again; Ferry checks it is the same before it continues.",
      leaveWarning: "Uploads are still running. Leave the page anyway?",
      thumbAlt: "",
      error: {
        SameNameDirectoryOrFileExists: "A file with this name already exists in that folder.",
        AlreadyExists: "A file with this name already exists in that folder.",
        TypeNotAllowed: "The library doesn't accept files of this type.",
        DirectoryNotFound: "The destination folder doesn't exist.",
        NoPermission: "You don't have permission to upload here.",
        AccessDenied: "You don't have permission to upload here.",
        PolicyViolation: "This upload isn't allowed by the site's upload rules (file type, size or folder).",
        FileChanged: "This isn't the same file as before (its name, size or date changed), so the upload can't continue from where it stopped. Pick the original file, or upload this one as a new file.",
        LibraryQuotaLimitReached: "The library is full: its storage quota is used up.",
        QuotaExceeded: "The storage quota is used up.",
        EntityTooLarge: "The file is larger than the library accepts.",
        ExtnameNotAllowed: "The library doesn't accept files of this type.",
        FileNameLengthExceed: "The file name is too long.",
        InvalidPath: "The file name or folder contains characters that aren't allowed.",
        UploadToRootDirectoryNotAllowed: "Files can't be uploaded to the top folder here; choose a folder.",
        NetworkError: "The network connection failed. Check your connection, then retry.",
        Offline: "You're offline. The upload continues when the connection is back.",
        InvalidAccessToken: "Your upload session expired. Retry to continue where it stopped.",
        Expired: "Your upload session expired. Retry to continue where it stopped.",
        Unauthenticated: "You're not signed in, or your session ended. Sign in again, then retry.",
        Forbidden: "You aren't allowed to upload here.",
        OriginNotAllowed: "This website isn't allowed to upload to this library.",
        RateLimited: "Too many uploads at once. Wait a moment, then retry.",
        BadCrc64: "The file arrived damaged (checksum mismatch). Retry to send it again.",
        FileCrc64Mismatch: "The file arrived damaged (checksum mismatch). Retry to send it again.",
        NotReadable: "The file couldn't be read. It may have been moved, changed or deleted.",
        Busy: "This upload is running in another tab or window.",
        UploadNotFound: "The server no longer has this upload. Retry to start it again.",
        NoSuchUpload: "The server no longer has this upload. Retry to start it again.",
        UpstreamError: "The media library didn't answer properly. Retry in a moment.",
        Internal: "The upload service had a problem. Retry in a moment.",
        InternalError: "The media library had a problem. Retry in a moment.",
        ServiceUnavailable: "The media library is busy. Retry in a moment.",
        InvalidRequest: "The upload service refused the request.",
        Canceled: "The upload was canceled.",
        ReadError: "The file couldn't be read. It may have been moved, changed or deleted.",
        ChecksumMismatch: "The file kept arriving damaged (checksum mismatch). Retry to send it again.",
        Stalled: "The upload stopped making progress. Check your connection, then retry.",
        InvalidState: "That action isn't possible right now.",
        InvalidOptions: "The uploader was given invalid settings.",
        NotFound: "This upload no longer exists.",
        ConfirmUnknown: "The file was sent, but the media library's answer was lost and Ferry couldn't check whether it was stored. It very likely was: look in the folder before uploading it again.",
        WorkerFailed: "The uploader couldn't start in this browser. Reload the page and try again.",
        unknown: "The upload failed ({code}).",
      },
      units: ["B", "KB", "MB", "GB", "TB"],
      sec: "{n} s",
      min: "{n} min",
      minSec: "{m} min {s} s",
      hourMin: "{h} h {m} min",
      typeImages: "images",
      typeVideos: "videos",
      typeAudio: "audio",
      listJoin: ", ",
    },
    "zh-CN": {
      region: "文件上传",
      dropTitle: "将文件拖放到这里",
      dropOr: "或",
      chooseFiles: "选择文件",
      chooseFolder: "选择文件夹",
      pasteHint: "也可以按 Ctrl+V 粘贴文件。",
      dropNow: "松开即可上传",
      hintTypes: "允许的类型：{types}",
      hintSize: "单个文件不超过 {size}",
      hintCount: "最多 {n} 个文件",
      listLabel: "上传列表",
      queued: "等待中",
      hashing: "正在检查文件",
      beginning: "正在开始",
      uploading: "上传中",
      confirming: "正在完成",
      done: "已上传",
      rapid: "秒传完成",
      rapidNote: "媒体库里已有相同的文件，无需再传输。",
      instant: "秒传",
      paused: "已暂停",
      failed: "失败",
      canceled: "已取消",
      bytesOf: "{loaded} / {size}",
      perSecond: "{speed}/秒",
      left: "剩余 {eta}",
      pause: "暂停",
      resume: "继续",
      retry: "重试",
      cancel: "取消",
      remove: "从列表中移除",
      pauseName: "暂停 {name}",
      resumeName: "继续上传 {name}",
      retryName: "重试 {name}",
      cancelName: "取消 {name}",
      removeName: "从列表中移除 {name}",
      progressName: "{name} 的上传进度",
      totalProgress: "总上传进度",
      pauseAll: "全部暂停",
      resumeAll: "全部继续",
      cancelAll: "全部取消",
      retryFailed: "重试失败项",
      clearFinished: "清除已完成",
      summaryActive: "正在上传 {n} 个文件",
      summaryDoneOf: "已完成 {done} / {total}",
      summaryIdle: "已上传 {done} / {total} 个文件",
      summaryPaused: "已暂停：{n} / {total} 个文件",
      summaryFailed: "{n} 个失败",
      announceProgress: "已上传 {percent}%，{n} 个文件进行中",
      announceDone: "{name} 已上传",
      announceRapid: "{name} 秒传完成",
      announceFailed: "{name} 上传失败：{message}",
      announceCanceled: "{name} 已取消",
      announcePaused: "{name} 已暂停",
      announceAdded: "已添加 {n} 个文件",
      announceAllDone: "全部上传完成",
      dismiss: "关闭",
      rejectedType: "未添加“{name}”：此处不接受这种类型的文件（允许：{types}）。",
      rejectedSize: "未添加“{name}”：文件大小为 {size}，超过了单个文件 {max} 的上限。",
      rejectedEmpty: "未添加“{name}”：这是一个空文件（0 字节）。",
      rejectedCount: "文件太多：这里最多 {max} 个，有 {n} 个未添加。",
      notConfigured: "上传组件尚未配置：页面需要提供 token-url。",
      engineFailed: "上传组件无法启动：{message}",
      resumeTitle: "要继续之前的上传吗？",
      resumeIntro: "页面关闭时有 {n} 个上传被中断，进度已保留。",
      resumeIntro1: "页面关闭时有 1 个上传被中断，进度已保留。",
      resumeEntry: "{name} · {size} · 已完成 {percent}%",
      resumeAction: "继续",
      resumeChoose: "选择文件以继续",
      resumeChooseName: "重新选择 {name} 以继续上传",
      resumeActionName: "继续上传 {name}",
      resumeLater: "稍后再说",
      resumeDiscard: "放弃",
      resumeDiscardName: "放弃 {name} 的中断上传",
      announceDiscarded: "已放弃 {name} 的中断上传",
      resumeShow: "查看中断的上传（{n}）",
      resumePick: "浏览器已无法访问这个文件。请重新选择同一个文件，Ferry 会先确认它没有变化再继续。",
      leaveWarning: "还有文件正在上传。确定要离开吗？",
      thumbAlt: "",
      error: {
        SameNameDirectoryOrFileExists: "该文件夹中已有同名文件。",
        AlreadyExists: "该文件夹中已有同名文件。",
        TypeNotAllowed: "媒体库不接受这种类型的文件。",
        DirectoryNotFound: "目标文件夹不存在。",
        NoPermission: "你没有在此处上传的权限。",
        AccessDenied: "你没有在此处上传的权限。",
        PolicyViolation: "网站的上传规则不允许这次上传（文件类型、大小或文件夹）。",
        FileChanged: "这不是之前的那个文件（名称、大小或修改时间已变化），无法从中断处继续。请选择原来的文件，或把它作为新文件上传。",
        LibraryQuotaLimitReached: "媒体库已满：存储配额已用完。",
        QuotaExceeded: "存储配额已用完。",
        EntityTooLarge: "文件超过了媒体库允许的大小。",
        ExtnameNotAllowed: "媒体库不接受这种类型的文件。",
        FileNameLengthExceed: "文件名太长。",
        InvalidPath: "文件名或文件夹中含有不允许的字符。",
        UploadToRootDirectoryNotAllowed: "这里不能上传到最顶层文件夹，请选择一个文件夹。",
        NetworkError: "网络连接失败。请检查网络后重试。",
        Offline: "当前处于离线状态，恢复连接后会继续上传。",
        InvalidAccessToken: "上传会话已过期。点击重试即可从中断处继续。",
        Expired: "上传会话已过期。点击重试即可从中断处继续。",
        Unauthenticated: "你尚未登录或登录已过期。请重新登录后重试。",
        Forbidden: "你无权在此处上传。",
        OriginNotAllowed: "此网站未被允许向该媒体库上传。",
        RateLimited: "同时上传的请求过多，请稍后重试。",
        BadCrc64: "文件传输损坏（校验和不一致）。请重试以重新发送。",
        FileCrc64Mismatch: "文件传输损坏（校验和不一致）。请重试以重新发送。",
        NotReadable: "无法读取该文件，它可能已被移动、修改或删除。",
        Busy: "这个上传正在另一个标签页或窗口中进行。",
        UploadNotFound: "服务器上已没有这个上传任务。请重试以重新开始。",
        NoSuchUpload: "服务器上已没有这个上传任务。请重试以重新开始。",
        UpstreamError: "媒体库没有正常响应，请稍后重试。",
        Internal: "上传服务出现问题，请稍后重试。",
        InternalError: "媒体库出现问题，请稍后重试。",
        ServiceUnavailable: "媒体库繁忙，请稍后重试。",
        InvalidRequest: "上传服务拒绝了这个请求。",
        Canceled: "上传已取消。",
        ReadError: "无法读取该文件，它可能已被移动、修改或删除。",
        ChecksumMismatch: "文件多次传输损坏（校验和不一致）。请重试以重新发送。",
        Stalled: "上传长时间没有进展。请检查网络后重试。",
        InvalidState: "现在无法执行这个操作。",
        InvalidOptions: "上传组件的设置无效。",
        NotFound: "这个上传已不存在。",
        ConfirmUnknown: "文件已发送，但媒体库的响应丢失了，Ferry 无法确认它是否已保存（很可能已保存）。重新上传前请先查看目标文件夹。",
        WorkerFailed: "上传组件无法在此浏览器中启动。请刷新页面后重试。",
        unknown: "上传失败（{code}）。",
      },
      units: ["B", "KB", "MB", "GB", "TB"],
      sec: "{n} 秒",
      min: "{n} 分钟",
      minSec: "{m} 分 {s} 秒",
      hourMin: "{h} 小时 {m} 分",
      typeImages: "图片",
      typeVideos: "视频",
      typeAudio: "音频",
      listJoin: "、",
    },
  };

  function pickLocale(want) {
    const tries = [want, ...(navigator.languages || [navigator.language])].filter(Boolean);
    for (const l of tries) {
      if (LOCALES[l]) return l;
      const lower = String(l).toLowerCase();
      if (lower.startsWith("zh")) return "zh-CN";
      const base = lower.split("-")[0];
      if (LOCALES[base]) return base;
    }
    return "en";
  }

  function fill(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] !== undefined ? vars[k] : m));
  }

  function translator(locale) {
    const tab = LOCALES[locale] || LOCALES.en;
    const t = (key, vars) => {
      // English needs a singular: "key_one" is used when the count (total, else n) is 1.
      const count = vars && (vars.total !== undefined ? vars.total : vars.n);
      if (count === 1 && (tab[key + "_one"] !== undefined || (tab === LOCALES.en && LOCALES.en[key + "_one"]))) key += "_one";
      return fill(tab[key] !== undefined ? tab[key] : LOCALES.en[key] !== undefined ? LOCALES.en[key] : key, vars);
    };
    t.locale = locale;
    t.errorText = (err) => {
      if (!err) return "";
      const code = err.code || "unknown";
      const known = (tab.error && tab.error[code]) || LOCALES.en.error[code];
      if (known) return known;
      // No plain-language text for this code: say what the server said, with its code.
      const base = fill((tab.error && tab.error.unknown) || LOCALES.en.error.unknown, { code });
      return err.message ? `${base} ${err.message}` : base;
    };
    t.bytes = (n) => formatBytes(n, locale, tab.units || LOCALES.en.units);
    t.duration = (s) => {
      s = Math.max(0, Math.round(s));
      if (s < 60) return t("sec", { n: s });
      if (s < 600) return t("minSec", { m: Math.floor(s / 60), s: s % 60 });
      if (s < 3600) return t("min", { n: Math.round(s / 60) });
      return t("hourMin", { h: Math.floor(s / 3600), m: Math.round((s % 3600) / 60) });
    };
    t.percent = (f) => Math.floor(Math.min(1, Math.max(0, f || 0)) * 100);
    return t;
  }

  const numberFormats = new Map();
  function formatBytes(n, locale, units) {
    n = Number(n) || 0;
    let i = 0;
    while (n >= 1000 && i < units.length - 1) {
      n /= 1000;
      i++;
    }
    const digits = i === 0 ? 0 : n < 10 ? 1 : 0;
    const key = locale + digits;
    if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(locale, { maximumFractionDigits: digits }));
    return `${numberFormats.get(key).format(n)} ${units[i]}`;
  }

  // parseSize("100MB") = 100e6, parseSize("8MiB") = 8·2^20, parseSize("512") = 512 bytes.
  function parseSize(v) {
    if (v === null || v === undefined || v === "") return undefined;
    if (typeof v === "number") return v;
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(String(v));
    if (!m) return undefined;
    const pow = " kmgt".indexOf((m[2] || " ").toLowerCase());
    const unit = m[3] ? 1024 : 1000;
    return Math.round(parseFloat(m[1]) * Math.pow(unit, Math.max(0, pow)));
  }

  function parseIntAttr(v) {
    if (v === null || v === undefined || v === "") return undefined;
    const n = parseInt(v, 10);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }

  // ---------------------------------------------------------------------------------------------
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

  // ---------------------------------------------------------------------------------------------
  // The worker. One per client; it runs the Go engine. The worker's script is a blob: whose
  // origin is the page's, so the base URL may be a CDN: importScripts() loads classic scripts
  // from any origin, and ferry.wasm is fetched with CORS.

  let workerBlobURL = null;
  function workerURL() {
    if (workerBlobURL) return workerBlobURL;
    const src = `"use strict";
self.FERRY_BASE_URL = ${JSON.stringify(BASE)};
self.FERRY_WASM_URL = ${JSON.stringify(new URL("ferry.wasm", BASE).href)};
// instantiateFerryWasm(importObject): compileStreaming when the host sends application/wasm,
// otherwise (or when streaming fails for another reason) arrayBuffer + instantiate.
self.instantiateFerryWasm = async function (importObject) {
  const url = self.FERRY_WASM_URL;
  const res = await fetch(url, { credentials: "omit" });
  if (!res.ok) throw new Error("ferry.wasm: HTTP " + res.status + " from " + url);
  const type = (res.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
  if (type === "application/wasm" && WebAssembly.instantiateStreaming) {
    const copy = res.clone();
    try {
      return await WebAssembly.instantiateStreaming(res, importObject);
    } catch (e) {
      return await WebAssembly.instantiate(await copy.arrayBuffer(), importObject);
    }
  }
  return await WebAssembly.instantiate(await res.arrayBuffer(), importObject);
};
importScripts(${JSON.stringify(new URL("wasm_exec.js", BASE).href)}, ${JSON.stringify(new URL("worker.js", BASE).href)});
`;
    workerBlobURL = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
    return workerBlobURL;
  }

  class FerryError extends Error {
    constructor(code, message, snapshot) {
      super(message || code);
      this.name = "FerryError";
      this.code = code;
      if (snapshot) this.snapshot = snapshot;
    }
  }

  // Engine is the page's end of the worker protocol (see wasm/PROTOCOL.md). What the page
  // sends and expects, all plain structured-clone messages:
  //   page → worker  {type:"init", config}                        worker → page {type:"ready"} | {type:"fatal", code, message}
  //   page → worker  {type:"upload", taskId, file, options:{path, conflict, labels, meta}}
  //   page → worker  {type:"pause"|"resume"|"retry"|"cancel", taskId}
  //   page → worker  {type:"restorable", id}                      worker → page {type:"reply", id, result:{entries}}
  //   page → worker  {type:"resumeEntry", taskId, entryId, file, options}
  //   page → worker  {type:"forget", id, entryId}                 worker → page {type:"reply", id, result|error}
  //   page → worker  {type:"signOut", id}                         worker → page {type:"reply", id, result|error}
  //   worker → page  {type:"snapshot", event, snapshot, result?}  (event state|progress|complete|error;
  //                                                              result with complete: {path,name,size,crc64,eTag,rapid})
  //   worker → page  {type:"total", total:{loaded,size,fraction,bytesPerSecond,etaSeconds}}
  //   worker → page  {type:"headers", id}                         page → worker {type:"headers", id, headers, error?}
  class Engine {
    constructor(config, getHeaders) {
      this.config = config;
      this.getHeaders = getHeaders;
      this.tasks = new Map();
      this.calls = new Map();
      this.seq = 0;
      this.worker = null;
      this.readyPromise = null;
      this.listeners = new Set();
      this.total = null;
    }

    start() {
      if (!this.readyPromise) {
        const ready = new Promise((resolve, reject) => {
          let worker;
          try {
            worker = new Worker(workerURL(), { name: "ferry" });
          } catch (e) {
            reject(new FerryError("WorkerFailed", e.message));
            return;
          }
          this.worker = worker;
          this.readyWaiter = { resolve, reject };
          // A worker terminated while it starts still speaks: Chromium reports its importScripts
          // cut short as an error event, after a new worker may have started. Only the engine's
          // current worker settles the waiter.
          worker.onmessage = (e) => { if (this.worker === worker) this.onMessage(e.data); };
          worker.onerror = (e) => {
            e.preventDefault && e.preventDefault();
            if (this.worker !== worker || !this.readyWaiter) return;
            this.readyWaiter.reject(new FerryError("WorkerFailed", e.message || "the worker failed to start"));
            this.readyWaiter = null;
          };
          worker.postMessage({ type: "init", config: this.config });
        });
        this.readyPromise = ready;
        // A worker that failed to start is tried again on the next call (unless the engine was
        // terminated or started again meanwhile).
        ready.catch(() => {
          if (this.readyPromise !== ready) return;
          if (this.worker) this.worker.terminate();
          this.worker = null;
          this.readyPromise = null;
        });
      }
      return this.readyPromise;
    }

    // post sends a message once the worker is ready. A message about a task that cannot be
    // delivered (the engine did not start) fails that task with the reason.
    post(msg, transfer) {
      return this.start().then(() => this.worker.postMessage(msg, transfer || [])).catch((err) => {
        const task = msg.taskId && this.tasks.get(msg.taskId);
        if (task && (msg.type === "upload" || msg.type === "resumeEntry")) {
          task._update({ state: "failed", error: { code: err.code || "WorkerFailed", message: err.message } }, null, "error");
        }
      });
    }

    call(type, payload) {
      return this.start().then(() => new Promise((resolve, reject) => {
        const id = ++this.seq;
        this.calls.set(id, { resolve, reject });
        this.worker.postMessage(Object.assign({ type, id }, payload));
      }));
    }

    async answerHeaders(msg) {
      let headers = {}, error;
      try {
        if (this.getHeaders) headers = (await this.getHeaders()) || {};
        if (headers instanceof Headers) headers = Object.fromEntries(headers.entries());
      } catch (e) {
        error = { code: "Unauthenticated", message: String((e && e.message) || e) };
      }
      this.worker.postMessage({ type: "headers", id: msg.id, headers, error });
    }

    onMessage(msg) {
      if (!msg || typeof msg !== "object") return;
      switch (msg.type) {
        case "ready":
          if (this.readyWaiter) {
            this.readyWaiter.resolve();
            this.readyWaiter = null;
          }
          break;
        case "fatal":
          if (this.readyWaiter) {
            this.readyWaiter.reject(new FerryError(msg.code || "WorkerFailed", msg.message));
            this.readyWaiter = null;
          }
          break;
        case "reply": {
          const c = this.calls.get(msg.id);
          if (!c) break;
          this.calls.delete(msg.id);
          if (msg.error) c.reject(new FerryError(msg.error.code, msg.error.message));
          else c.resolve(msg.result);
          break;
        }
        case "headers":
          this.answerHeaders(msg);
          break;
        case "snapshot": {
          const task = this.tasks.get(msg.snapshot && msg.snapshot.id);
          if (task) {
            task._accepted = true;
            task._update(msg.snapshot, msg.result, msg.event);
          }
          break;
        }
        case "total":
          this.total = msg.total;
          for (const l of this.listeners) l(msg.total);
          break;
      }
    }

    terminate() {
      const worker = this.worker, waiter = this.readyWaiter;
      this.worker = null;
      this.readyPromise = null;
      this.readyWaiter = null;
      if (worker) worker.terminate();
      // Whoever waits for the terminated worker's start is told, rather than left waiting.
      if (waiter) waiter.reject(new FerryError("Closed", "the client was closed"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // JS API: Ferry.create(options) → client; client.upload(file, options) → task.

  let taskSeq = 0;
  function newTaskID() {
    return (crypto.randomUUID ? crypto.randomUUID() : `t${Date.now().toString(36)}${(++taskSeq).toString(36)}`);
  }

  class Task {
    constructor(engine, id, file, options) {
      this._engine = engine;
      this.id = id;
      this.file = file;
      this._onProgress = options && options.onProgress;
      this._listeners = new Set();
      this._snap = {
        id, name: file ? file.name : "", path: (options && options.path) || "", size: file ? file.size : 0,
        state: "queued", loaded: 0, fraction: 0, bytesPerSecond: null, etaSeconds: null,
      };
      this._arm();
    }

    _arm() {
      this.done = new Promise((resolve, reject) => {
        this._resolve = resolve;
        this._reject = reject;
      });
      this.done.catch(() => {}); // a rejection nobody awaits is not an error of the page
    }

    get state() {
      return this._snap.state;
    }

    snapshot() {
      const s = Object.assign({}, this._snap);
      if (s.error) s.error = Object.assign({}, s.error);
      return s;
    }

    pause() { this._engine.post({ type: "pause", taskId: this.id }); }
    resume() { this._rearm(); this._engine.post({ type: "resume", taskId: this.id }); }
    retry() {
      this._rearm();
      // A task the engine never took (its worker did not start) is handed over again.
      if (!this._accepted && this._message) this._engine.post(this._message);
      else this._engine.post({ type: "retry", taskId: this.id });
    }
    cancel() { this._engine.post({ type: "cancel", taskId: this.id }); }

    _rearm() {
      if (this._settled) {
        this._settled = false;
        this._arm();
      }
    }

    _subscribe(fn) {
      this._listeners.add(fn);
      return () => this._listeners.delete(fn);
    }

    _update(snap, result, event) {
      const prev = this._snap;
      this._snap = Object.assign({}, prev, snap);
      // fraction never decreases for a task: a resumed one starts at its saved fraction while
      // the engine's first snapshots (queued, hashing, beginning) still say 0.
      if (!(this._snap.fraction >= prev.fraction)) this._snap.fraction = prev.fraction;
      if (!snap.error) delete this._snap.error;
      const s = this.snapshot();
      if (this._onProgress) {
        try { this._onProgress(s); } catch (e) { setTimeout(() => { throw e; }); }
      }
      for (const l of this._listeners) l(s, prev);
      if (this._settled) return;
      // done settles with the "complete" event, which carries the stored file's details.
      if (FINISHED.has(s.state) && (result || event === "complete" || event === undefined)) {
        this._settled = true;
        this._resolve(Object.assign({ path: s.path, name: s.name, size: s.size, rapid: s.state === "rapid" }, result || {}));
      } else if (s.state === "failed" || s.state === "canceled") {
        this._settled = true;
        const err = s.error || { code: "Canceled", message: "" };
        this._reject(new FerryError(err.code, err.message, s));
      }
    }
  }

  function resolveURL(u) {
    return u ? new URL(u, location.href).href : u;
  }

  class Client {
    constructor(options) {
      options = options || {};
      this.options = options;
      const config = {
        tokenUrl: resolveURL(options.tokenUrl),
        credentials: options.credentials || "omit",
        concurrency: options.concurrency,
        parallelFiles: options.parallelFiles,
        partSize: options.partSize,
        quickUpload: options.quickUpload !== false,
        baseUrl: BASE,
        origin: location.origin,
      };
      this._engine = new Engine(config, () => (this.options.getHeaders ? this.options.getHeaders() : {}));
    }

    get getHeaders() { return this.options.getHeaders; }
    set getHeaders(fn) { this.options.getHeaders = fn; }

    ready() {
      return this._engine.start();
    }

    upload(file, options) {
      if (!(file instanceof Blob)) throw new TypeError("Ferry: upload(file) needs a File or Blob");
      options = Object.assign({}, options);
      const path = options.path || `/${file.name || "blob"}`;
      const task = new Task(this._engine, newTaskID(), file, Object.assign({}, options, { path }));
      this._engine.tasks.set(task.id, task);
      task._message = {
        type: "upload",
        taskId: task.id,
        file,
        options: { path, conflict: options.conflict, labels: options.labels, meta: options.meta },
      };
      this._engine.post(task._message);
      return task;
    }

    async restorable() {
      const result = await this._engine.call("restorable", {});
      const entries = (result && result.entries) || result || [];
      return entries.map((e) => {
        const entry = Object.assign({}, e);
        entry.resume = (file, options) => this._resumeEntry(e, file, options);
        entry.forget = () => this._engine.call("forget", { entryId: e.id }).then(() => undefined);
        return entry;
      });
    }

    _resumeEntry(entry, file, options) {
      options = Object.assign({}, options);
      const task = new Task(this._engine, newTaskID(), file || { name: entry.name, size: entry.size }, Object.assign({}, options, { path: entry.path }));
      task._snap.fraction = entry.fraction || 0;
      this._engine.tasks.set(task.id, task);
      this._engine.post({
        type: "resumeEntry",
        taskId: task.id,
        entryId: entry.id,
        file: file || null,
        options: { conflict: options.conflict, labels: options.labels, meta: options.meta },
      });
      return task;
    }

    async signOut() {
      await this._engine.call("signOut", {});
    }

    close() {
      this._engine.terminate();
    }
  }

  const Ferry = {
    version: VERSION,
    baseURL: BASE,
    async create(options) {
      const client = new Client(options);
      await client.ready();
      return client;
    },
    addLocale(name, strings) {
      LOCALES[name] = Object.assign({}, LOCALES[name] || LOCALES.en, strings, {
        error: Object.assign({}, (LOCALES[name] || LOCALES.en).error, strings && strings.error),
      });
    },
    parseSize,
    FerryError,
  };
  Object.defineProperty(Ferry, "locales", { get: () => Object.keys(LOCALES) });
  window.Ferry = Ferry;

  // ---------------------------------------------------------------------------------------------
  // <ferry-uploader>

  const ICONS = {
    upload: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/><path d="M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>',
    folder: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg>',
    file: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/><path d="M14 3v5h5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/></svg>',
    pause: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M9 6v12M15 6v12" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/></svg>',
    resume: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M8 5.5v13l10.5-6.5z" fill="currentColor"/></svg>',
    retry: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4.5 12a7.5 7.5 0 1 0 2.2-5.3M4.5 4.5v4h4" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
    cancel: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6.5 6.5l11 11m0-11-11 11" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>',
    remove: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6.5 6.5l11 11m0-11-11 11" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>',
    check: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>',
    bolt: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M13 2 4.5 13.5H11L10 22l8.5-11.5H12z" fill="currentColor"/></svg>',
    alert: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/><path d="M12 7.5v5.5" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/><circle cx="12" cy="16.5" r="1.3" fill="currentColor"/></svg>',
    history: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4.5 12a7.5 7.5 0 1 0 2.2-5.3M4.5 4.5v4h4M12 8v4.5l3 2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  };

  const STYLES = `
:host {
  --ferry-accent: #2456d6;
  --ferry-accent-hover: #1d46b3;
  --ferry-accent-contrast: #ffffff;
  --ferry-bg: #ffffff;
  --ferry-surface: #f6f8fb;
  --ferry-fg: #111827;
  --ferry-muted: #4b5563;
  --ferry-border: #d5dbe5;
  --ferry-track: #e5e9f0;
  --ferry-success: #0f7434;
  --ferry-danger: #b42318;
  --ferry-warning: #8a5a00;
  --ferry-focus: #2456d6;
  --ferry-radius: 14px;
  --ferry-font: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  display: block;
  font-family: var(--ferry-font);
  font-size: 14px;
  line-height: 1.45;
  color: var(--ferry-fg);
  container-type: inline-size;
}
:host([hidden]) { display: none; }
:host([theme="dark"]) {
  --ferry-accent: #7aa2ff;
  --ferry-accent-hover: #9bb9ff;
  --ferry-accent-contrast: #0b1020;
  --ferry-bg: #141925;
  --ferry-surface: #1b2130;
  --ferry-fg: #eef2f8;
  --ferry-muted: #aab4c5;
  --ferry-border: #364057;
  --ferry-track: #2c3447;
  --ferry-success: #4ad07f;
  --ferry-danger: #ff8a80;
  --ferry-warning: #f5c451;
  --ferry-focus: #7aa2ff;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.card { background: var(--ferry-bg); border: 1px solid var(--ferry-border); border-radius: var(--ferry-radius); padding: 16px; display: grid; gap: 14px; }
button { font: inherit; color: inherit; cursor: pointer; border-radius: 9px; }
button:focus-visible, .drop:focus-visible { outline: 3px solid var(--ferry-focus); outline-offset: 2px; }
button:disabled { cursor: default; opacity: .55; }
svg { width: 100%; height: 100%; display: block; }
.btn { display: inline-flex; align-items: center; gap: 8px; padding: 8px 14px; border: 1px solid var(--ferry-border); background: var(--ferry-bg); font-weight: 600; min-height: 38px; }
.btn:hover { border-color: var(--ferry-accent); color: var(--ferry-accent); }
.btn .i { width: 18px; height: 18px; flex: none; }
.btn.primary { background: var(--ferry-accent); border-color: var(--ferry-accent); color: var(--ferry-accent-contrast); }
.btn.primary:hover { background: var(--ferry-accent-hover); border-color: var(--ferry-accent-hover); color: var(--ferry-accent-contrast); }
.btn.small { min-height: 32px; padding: 5px 11px; font-size: 13px; }
.btn.link { border-color: transparent; background: transparent; color: var(--ferry-accent); padding-inline: 6px; }
.drop { position: relative; border: 2px dashed var(--ferry-border); border-radius: calc(var(--ferry-radius) - 4px); background: var(--ferry-surface); padding: 26px 18px 22px; text-align: center; display: grid; justify-items: center; gap: 8px; transition: border-color .15s, background-color .15s; }
.drop.over { border-color: var(--ferry-accent); background: color-mix(in srgb, var(--ferry-accent) 9%, var(--ferry-bg)); }
.drop .icon { width: 46px; height: 46px; color: var(--ferry-accent); padding: 9px; border-radius: 50%; background: color-mix(in srgb, var(--ferry-accent) 12%, var(--ferry-bg)); }
.drop .title { font-size: 16px; font-weight: 650; margin: 2px 0 0; }
.drop .or { color: var(--ferry-muted); font-size: 13px; }
.drop .buttons { display: flex; flex-wrap: wrap; gap: 8px; justify-content: center; }
.drop .hint { color: var(--ferry-muted); font-size: 13px; margin: 0; }
.drop .hint span + span::before { content: " · "; }
.drop .overlay { position: absolute; inset: 0; display: grid; place-items: center; font-size: 17px; font-weight: 650; color: var(--ferry-accent); background: color-mix(in srgb, var(--ferry-accent) 10%, var(--ferry-bg)); border-radius: inherit; pointer-events: none; }
.notice { display: grid; grid-template-columns: 20px 1fr auto; gap: 10px; align-items: start; padding: 10px 12px; border-radius: 10px; border: 1px solid color-mix(in srgb, var(--ferry-danger) 35%, var(--ferry-bg)); background: color-mix(in srgb, var(--ferry-danger) 7%, var(--ferry-bg)); }
.notice .i { width: 20px; height: 20px; color: var(--ferry-danger); margin-top: 1px; }
.notice ul { margin: 0; padding: 0; list-style: none; display: grid; gap: 4px; }
.iconbtn { width: 34px; height: 34px; padding: 7px; border: 1px solid transparent; background: transparent; color: var(--ferry-muted); flex: none; }
.iconbtn:hover { background: var(--ferry-surface); border-color: var(--ferry-border); color: var(--ferry-fg); }
.resume { border: 1px solid color-mix(in srgb, var(--ferry-warning) 40%, var(--ferry-bg)); background: color-mix(in srgb, var(--ferry-warning) 8%, var(--ferry-bg)); border-radius: 10px; padding: 12px 14px; display: grid; gap: 8px; }
.resume h3 { margin: 0; font-size: 15px; display: flex; gap: 8px; align-items: center; }
.resume h3 .i { width: 20px; height: 20px; color: var(--ferry-warning); }
.resume p { margin: 0; color: var(--ferry-muted); }
.resume ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.resume li { display: grid; grid-template-columns: 1fr auto; gap: 4px 10px; align-items: center; padding: 8px 10px; background: var(--ferry-bg); border: 1px solid var(--ferry-border); border-radius: 9px; }
.resume li .what { min-width: 0; overflow-wrap: anywhere; }
.resume li .why { grid-column: 1 / -1; font-size: 13px; color: var(--ferry-muted); }
.resume li .why.err { color: var(--ferry-danger); }
.resume .row { display: flex; justify-content: flex-end; }
.resume li .acts { display: flex; flex-wrap: wrap; gap: 6px; justify-content: flex-end; }
.collapsed { justify-self: start; }
.summary { display: grid; gap: 8px; }
.summary .line { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; justify-content: space-between; }
.summary .text { font-weight: 600; }
.summary .text small { font-weight: 400; color: var(--ferry-muted); font-size: 13px; margin-inline-start: 6px; }
.summary .actions { display: flex; flex-wrap: wrap; gap: 6px; }
.bar { height: 8px; border-radius: 99px; background: var(--ferry-track); overflow: hidden; }
.bar .fill { height: 100%; width: 0; border-radius: inherit; background: var(--ferry-accent); transition: width .25s ease-out; }
.summary[data-all-done] .fill { background: var(--ferry-success); }
.list { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; max-height: var(--ferry-list-max-height, 420px); overflow: auto; }
.item { display: grid; grid-template-columns: 48px minmax(0, 1fr) auto; gap: 12px; align-items: center; padding: 10px; border: 1px solid var(--ferry-border); border-radius: 11px; background: var(--ferry-bg); }
.thumb { width: 48px; height: 48px; border-radius: 8px; background: var(--ferry-surface); border: 1px solid var(--ferry-border); overflow: hidden; display: grid; place-items: center; color: var(--ferry-muted); position: relative; }
.thumb img { width: 100%; height: 100%; object-fit: cover; }
.thumb .ext { position: absolute; bottom: 4px; font-size: 9px; font-weight: 700; letter-spacing: .03em; }
.thumb .fi { width: 26px; height: 26px; margin-bottom: 8px; }
.body { min-width: 0; display: grid; gap: 4px; }
.name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.meta { font-size: 13px; color: var(--ferry-muted); display: flex; flex-wrap: wrap; gap: 0 8px; font-variant-numeric: tabular-nums; }
.meta > span:not(.status):not(.badge)::before { content: "·"; margin-inline-end: 8px; }
.status { font-weight: 600; display: inline-flex; align-items: center; gap: 4px; }
.status .i { width: 15px; height: 15px; }
.item .bar { height: 6px; }
.err { color: var(--ferry-danger); font-size: 13px; }
.badge { display: inline-flex; align-items: center; gap: 3px; font-size: 12px; font-weight: 700; padding: 1px 8px 1px 6px; border-radius: 99px; color: var(--ferry-success); background: color-mix(in srgb, var(--ferry-success) 12%, var(--ferry-bg)); }
.badge .i { width: 13px; height: 13px; }
.item .actions { display: flex; gap: 2px; }
.item[data-state="done"] .fill, .item[data-state="rapid"] .fill { background: var(--ferry-success); }
.item[data-state="done"] .status, .item[data-state="rapid"] .status { color: var(--ferry-success); }
.item[data-state="failed"] { border-color: color-mix(in srgb, var(--ferry-danger) 45%, var(--ferry-bg)); }
.item[data-state="failed"] .fill { background: var(--ferry-danger); }
.item[data-state="failed"] .status { color: var(--ferry-danger); }
.item[data-state="paused"] .fill { background: var(--ferry-muted); }
.item[data-state="canceled"] { opacity: .75; }
.item[data-state="canceled"] .fill { background: var(--ferry-muted); }
.item[data-state="hashing"] .fill, .item[data-state="queued"] .fill, .item[data-state="beginning"] .fill { background: color-mix(in srgb, var(--ferry-accent) 55%, var(--ferry-track)); }
@container (max-width: 430px) {
  .item { grid-template-columns: 40px minmax(0, 1fr); }
  .thumb { width: 40px; height: 40px; }
  .item .actions { grid-column: 1 / -1; justify-content: flex-end; }
}
@media (prefers-reduced-motion: reduce) { .bar .fill, .drop { transition: none; } }
@media (forced-colors: active) { .bar { border: 1px solid CanvasText; } .bar .fill { background: Highlight; } }
`;

  let sheet = null;
  function adoptStyles(root) {
    // A constructed stylesheet needs no 'unsafe-inline' in the page's CSP style-src.
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLES);
      }
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      const style = document.createElement("style");
      style.textContent = STYLES;
      root.appendChild(style);
    }
  }

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "class") el.className = v;
        else if (k === "text") el.textContent = v;
        else if (k === "html") el.innerHTML = v; // only ever our own constant icons
        else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? "" : v);
      }
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
    return el;
  }

  function icon(name, cls) {
    return h("span", { class: cls || "i", html: ICONS[name] });
  }

  // Announcer: one polite live region; progress at most every few seconds, other news batched.
  class Announcer {
    constructor(region) {
      this.region = region;
      this.queue = [];
      this.timer = null;
      this.lastProgress = 0;
    }
    say(text) {
      this.queue.push(text);
      if (!this.timer) this.timer = setTimeout(() => this.flush(), 400);
    }
    progress(text, now) {
      if (now - this.lastProgress < 6000) return;
      this.lastProgress = now;
      this.say(text);
    }
    flush() {
      this.timer = null;
      const text = this.queue.splice(0).join(". ");
      if (!text) return;
      this.region.textContent = "";
      // A fresh text node after clearing makes screen readers read it even when it repeats.
      requestAnimationFrame(() => { this.region.textContent = text; });
    }
  }

  const leaveGuards = new Set();
  function onBeforeUnload(e) {
    for (const el of leaveGuards) {
      if (el._hasActive()) {
        e.preventDefault();
        e.returnValue = "";
        return "";
      }
    }
  }

  // Drag and drop of folders: walk entries, reading each directory to the end (readEntries
  // returns at most 100 entries per call).
  async function filesFromDataTransfer(dt) {
    const items = dt.items ? Array.from(dt.items) : [];
    const entries = items.map((it) => (it.kind === "file" && it.webkitGetAsEntry ? it.webkitGetAsEntry() : null));
    if (!entries.some((e) => e && e.isDirectory)) {
      return Array.from(dt.files || []).map((file) => ({ file, rel: file.name }));
    }
    const out = [];
    const walk = async (entry, prefix) => {
      if (!entry) return;
      if (entry.isFile) {
        const file = await new Promise((res, rej) => entry.file(res, rej)).catch(() => null);
        if (file) out.push({ file, rel: prefix + file.name });
        return;
      }
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej)).catch(() => []);
        if (!batch.length) break;
        for (const child of batch) await walk(child, prefix + entry.name + "/");
      }
    };
    for (const e of entries) await walk(e, "");
    return out;
  }

  function joinPath(dir, rel) {
    dir = dir || "/";
    if (!dir.startsWith("/")) dir = "/" + dir;
    if (!dir.endsWith("/")) dir += "/";
    return dir + String(rel).replace(/^\/+/, "");
  }

  class FerryUploader extends HTMLElement {
    static get observedAttributes() {
      return ["locale", "accept", "max-size", "max-files", "multiple", "token-url", "concurrency", "parallel-files", "part-size", "quick-upload", "credentials"];
    }

    constructor() {
      super();
      this._getHeaders = null;
      this._items = new Map(); // task id → {task, row, parts, snap, thumbURL}
      this._order = [];
      this._dirty = new Set();
      this._frame = 0;
      this._notices = [];
      this._restorable = null;
      this._warm = false; // seen: the engine is wanted (see _warmUp)
      this._resumeHidden = false;
      this._announced = new Map();
      this._resuming = new Set(); // ids of restorable entries handed to the engine
      const root = this.attachShadow({ mode: "open", delegatesFocus: false });
      adoptStyles(root);
      this._root = root;
    }

    get getHeaders() { return this._getHeaders; }
    set getHeaders(fn) {
      this._getHeaders = fn;
      if (this._client) this._client.getHeaders = fn;
    }

    /** The underlying JS API client (created on first use). */
    get client() { return this._ensureClient(); }

    connectedCallback() {
      if (!this._built) this._build();
      leaveGuards.add(this);
      if (leaveGuards.size === 1) window.addEventListener("beforeunload", onBeforeUnload);
      this._onPaste = (e) => this._paste(e);
      document.addEventListener("paste", this._onPaste);
      if ("IntersectionObserver" in window) {
        this._io = new IntersectionObserver((entries) => {
          if (entries.some((e) => e.isIntersecting)) {
            this._io.disconnect();
            this._io = null;
            this._warmUp();
          }
        });
        this._io.observe(this);
      } else {
        this._warmUp();
      }
    }

    disconnectedCallback() {
      leaveGuards.delete(this);
      if (!leaveGuards.size) window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("paste", this._onPaste);
      if (this._io) this._io.disconnect();
    }

    attributeChangedCallback(name) {
      if (!this._built) return;
      if (["token-url", "concurrency", "parallel-files", "part-size", "quick-upload", "credentials"].includes(name)) {
        // New engine settings apply to a new client once nothing is running on the old one.
        if (this._client && !this._hasActive()) {
          this._client.close();
          this._client = null;
          this._restorable = null;
        }
        // A visible element looks for restorable uploads with a client of its settings: again
        // when the old client's look ended with it, or first when the token URL came late
        // (once, after all the settings a script sets in a row).
        if (this._warm && !this._client) queueMicrotask(() => { if (!this._client) this._warmUp(); });
        return;
      }
      this._t = null;
      this._renderStatic();
      for (const id of this._items.keys()) this._dirty.add(id);
      this._schedule();
    }

    get t() {
      if (!this._t || this._t.locale !== pickLocale(this.getAttribute("locale"))) this._t = translator(pickLocale(this.getAttribute("locale")));
      return this._t;
    }

    _ensureClient() {
      if (!this._client) {
        this._client = new Client({
          tokenUrl: this.getAttribute("token-url"),
          getHeaders: this._getHeaders,
          credentials: this.getAttribute("credentials") || "omit",
          concurrency: parseIntAttr(this.getAttribute("concurrency")),
          parallelFiles: parseIntAttr(this.getAttribute("parallel-files")),
          partSize: parseSize(this.getAttribute("part-size")),
          quickUpload: this.getAttribute("quick-upload") !== "off",
        });
      }
      return this._client;
    }

    async _warmUp() {
      this._warm = true;
      if (!this.getAttribute("token-url")) return;
      const client = this._ensureClient();
      try {
        await client.ready();
      } catch (e) {
        // A client closed while it started (new settings replaced it) did not fail to start.
        if (client === this._client && e.code !== "Closed") this._notice(this.t("engineFailed", { message: e.message }));
        return;
      }
      if (client === this._client) this._loadRestorable();
    }

    async _loadRestorable(again) {
      if (this._restorable && !again) return;
      const client = this._ensureClient();
      try {
        const list = await client.restorable();
        if (client !== this._client) return; // replaced meanwhile: the new client looks itself
        // Leave out what this page uploads or is resuming; keep the entries already shown
        // (with any message they carry), by id.
        const mine = new Set(Array.from(this._items.values()).map((it) => it.snap.path));
        const shown = new Map((this._restorable || []).map((e) => [e.id, e]));
        this._restorable = list
          .filter((e) => !mine.has(e.path) && !this._resuming.has(e.id))
          .map((e) => (shown.has(e.id) ? Object.assign(shown.get(e.id), { fraction: e.fraction }) : e));
      } catch (e) {
        if (client !== this._client) return;
        this._restorable = this._restorable || [];
      }
      this._renderResume();
    }

    // ---- building ------------------------------------------------------------------------

    _build() {
      this._built = true;
      const t = this.t;
      this._live = h("div", { class: "sr", "aria-live": "polite", "aria-atomic": "true" });
      this._announcer = new Announcer(this._live);

      this._fileInput = h("input", { type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true", onchange: () => this._picked(this._fileInput) });
      this._folderInput = h("input", { type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true", webkitdirectory: true, onchange: () => this._picked(this._folderInput) });
      this._repickInput = h("input", { type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true", onchange: () => this._repicked() });

      this._titleEl = h("p", { class: "title", id: "ferry-title" });
      this._orEl = h("span", { class: "or" });
      this._chooseBtn = h("button", { type: "button", class: "btn primary", part: "choose", onclick: () => this._fileInput.click() }, icon("file"), h("span"));
      this._folderBtn = h("button", { type: "button", class: "btn", part: "choose-folder", onclick: () => this._folderInput.click() }, icon("folder"), h("span"));
      this._hintEl = h("p", { class: "hint" });
      this._pasteEl = h("p", { class: "hint" });
      this._overlay = h("div", { class: "overlay", hidden: true, "aria-hidden": "true" });
      this._drop = h("div", { class: "drop", part: "dropzone" },
        icon("upload", "icon"), this._titleEl,
        h("div", { class: "buttons" }, this._chooseBtn, this._folderBtn),
        this._hintEl, this._pasteEl, this._overlay);
      this._drop.addEventListener("click", (e) => {
        if (e.target === this._drop || e.target === this._titleEl || e.target.closest(".icon")) this._fileInput.click();
      });
      for (const ev of ["dragenter", "dragover"]) {
        this.addEventListener(ev, (e) => {
          if (!e.dataTransfer || !Array.from(e.dataTransfer.types || []).includes("Files")) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
          this._setOver(true);
        });
      }
      this.addEventListener("dragleave", (e) => {
        if (!e.relatedTarget || !this.contains(e.relatedTarget)) this._setOver(false);
      });
      this.addEventListener("drop", (e) => {
        if (!e.dataTransfer) return;
        e.preventDefault();
        this._setOver(false);
        filesFromDataTransfer(e.dataTransfer).then((files) => this.addFiles(files));
      });

      this._noticeList = h("ul");
      this._noticeBox = h("div", { class: "notice", hidden: true, part: "messages" },
        icon("alert"), this._noticeList,
        h("button", { type: "button", class: "iconbtn", onclick: () => this._clearNotices() }, h("span", { html: ICONS.cancel })));
      this._noticeDismiss = this._noticeBox.lastChild;

      this._resumeBox = h("section", { class: "resume", hidden: true, part: "resume" });
      this._resumeShowBtn = h("button", { type: "button", class: "btn small collapsed", hidden: true, onclick: () => { this._resumeHidden = false; this._renderResume(); this._resumeBox.querySelector("button")?.focus(); } });

      this._summaryText = h("div", { class: "text" });
      this._pauseAllBtn = h("button", { type: "button", class: "btn small", onclick: () => this.pauseAll() });
      this._resumeAllBtn = h("button", { type: "button", class: "btn small", onclick: () => this.resumeAll() });
      this._retryAllBtn = h("button", { type: "button", class: "btn small", onclick: () => this.retryFailed() });
      this._cancelAllBtn = h("button", { type: "button", class: "btn small", onclick: () => this.cancelAll() });
      this._clearBtn = h("button", { type: "button", class: "btn small link", onclick: () => this.clearFinished() });
      this._totalFill = h("div", { class: "fill" });
      this._totalBar = h("div", { class: "bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0" }, this._totalFill);
      this._summary = h("div", { class: "summary", hidden: true, part: "summary" },
        h("div", { class: "line" }, this._summaryText,
          h("div", { class: "actions" }, this._pauseAllBtn, this._resumeAllBtn, this._retryAllBtn, this._cancelAllBtn, this._clearBtn)),
        this._totalBar);

      this._list = h("ul", { class: "list", part: "list" });
      this._region = h("section", { class: "card", part: "card" },
        this._drop, this._noticeBox, this._resumeBox, this._resumeShowBtn, this._summary, this._list,
        this._fileInput, this._folderInput, this._repickInput, this._live);
      this._root.append(this._region);
      this._renderStatic();
    }

    _setOver(on) {
      this._drop.classList.toggle("over", on);
      this._overlay.hidden = !on;
    }

    _renderStatic() {
      const t = this.t;
      this._region.setAttribute("aria-label", t("region"));
      this._titleEl.textContent = t("dropTitle");
      this._chooseBtn.lastChild.textContent = t("chooseFiles");
      this._folderBtn.lastChild.textContent = t("chooseFolder");
      this._overlay.textContent = t("dropNow");
      const multiple = this.hasAttribute("multiple");
      this._fileInput.multiple = multiple;
      this._folderBtn.hidden = !multiple;
      const accept = this.getAttribute("accept");
      if (accept) this._fileInput.setAttribute("accept", accept);
      else this._fileInput.removeAttribute("accept");
      const list = parseAccept(accept);
      const hints = [];
      if (list.length) hints.push(t("hintTypes", { types: describeAccept(list, t) }));
      const max = parseSize(this.getAttribute("max-size"));
      if (max) hints.push(t("hintSize", { size: t.bytes(max) }));
      const maxFiles = parseIntAttr(this.getAttribute("max-files"));
      if (maxFiles && multiple) hints.push(t("hintCount", { n: maxFiles }));
      this._hintEl.replaceChildren(...hints.map((s) => h("span", { text: s })));
      this._hintEl.hidden = !hints.length;
      this._pasteEl.textContent = t("pasteHint");
      this._list.setAttribute("aria-label", t("listLabel"));
      this._totalBar.setAttribute("aria-label", t("totalProgress"));
      this._pauseAllBtn.textContent = t("pauseAll");
      this._resumeAllBtn.textContent = t("resumeAll");
      this._retryAllBtn.textContent = t("retryFailed");
      this._cancelAllBtn.textContent = t("cancelAll");
      this._clearBtn.textContent = t("clearFinished");
      this._noticeDismiss.setAttribute("aria-label", t("dismiss"));
      this._noticeDismiss.title = t("dismiss");
      this._renderResume();
      this._renderSummary();
    }

    // ---- adding files --------------------------------------------------------------------

    _picked(input) {
      const files = Array.from(input.files || []).map((file) => ({ file, rel: file.webkitRelativePath || file.name }));
      input.value = "";
      this.addFiles(files);
    }

    _paste(e) {
      const files = e.clipboardData && Array.from(e.clipboardData.files || []);
      if (!files || !files.length) return;
      // Paste goes to this uploader when focus is inside it, or when it is the only one.
      const active = document.activeElement;
      const focusedHere = active === this || this.contains(active);
      const onlyOne = leaveGuards.size === 1 && (!active || active === document.body);
      if (!focusedHere && !onlyOne) return;
      e.preventDefault();
      this.addFiles(files.map((file) => ({ file, rel: file.name })));
    }

    /** Adds files (File objects, or {file, rel} with a relative path) after checking restrictions. */
    addFiles(input) {
      const t = this.t;
      let files = Array.from(input || []).map((f) => (f instanceof Blob ? { file: f, rel: f.name } : f));
      if (!files.length) return [];
      if (!this.getAttribute("token-url")) {
        this._notice(t("notConfigured"));
        return [];
      }
      if (!this.hasAttribute("multiple") && files.length > 1) {
        this._notice(t("rejectedCount", { max: 1, n: files.length - 1 }));
        files = files.slice(0, 1);
      }
      const list = parseAccept(this.getAttribute("accept"));
      const max = parseSize(this.getAttribute("max-size"));
      const messages = [];
      const ok = [];
      for (const f of files) {
        if (!accepts(list, f.file)) messages.push(t("rejectedType", { name: f.file.name, types: describeAccept(list, t) }));
        else if (max && f.file.size > max) messages.push(t("rejectedSize", { name: f.file.name, size: t.bytes(f.file.size), max: t.bytes(max) }));
        else ok.push(f);
      }
      const maxFiles = parseIntAttr(this.getAttribute("max-files"));
      let accepted = ok;
      if (maxFiles) {
        const inList = Array.from(this._items.values()).filter((it) => it.snap.state !== "canceled").length;
        const room = Math.max(0, maxFiles - inList);
        if (ok.length > room) {
          messages.push(t("rejectedCount", { max: maxFiles, n: ok.length - room }));
          accepted = ok.slice(0, room);
        }
      }
      for (const m of messages) this._notice(m);
      const dir = this.getAttribute("path") || "/";
      const tasks = accepted.map((f) => this._startTask(this._ensureClient().upload(f.file, {
        path: joinPath(dir, f.rel || f.file.name),
        conflict: this.getAttribute("conflict") || undefined,
      })));
      if (tasks.length > 1) this._announcer.say(t("announceAdded", { n: tasks.length }));
      return tasks;
    }

    _notice(text) {
      this._notices.push(text);
      if (this._notices.length > 6) this._notices.shift();
      this._noticeList.replaceChildren(...this._notices.map((m) => h("li", { text: m })));
      this._noticeBox.hidden = false;
      this._announcer.say(text);
    }

    _clearNotices() {
      this._notices = [];
      this._noticeBox.hidden = true;
      this._chooseBtn.focus();
    }

    // ---- tasks and rows ------------------------------------------------------------------

    _startTask(task, entryRow) {
      const item = { task, snap: task.snapshot(), thumbURL: null };
      item.row = this._buildRow(item);
      this._items.set(task.id, item);
      this._order.push(task.id);
      this._list.append(item.row.li);
      task._subscribe((snap, prev) => this._onSnapshot(item, snap, prev));
      this._dirty.add(task.id);
      this._schedule();
      return task;
    }

    _buildRow(item) {
      const file = item.task.file;
      const name = item.snap.name;
      const thumb = h("div", { class: "thumb", "aria-hidden": "true" });
      const type = file && file.type ? file.type : typeOf({ name, type: "" });
      if (file instanceof Blob && type.startsWith("image/") && file.size < 40e6) {
        item.thumbURL = URL.createObjectURL(file);
        const img = h("img", { alt: "", src: item.thumbURL, loading: "lazy", decoding: "async" });
        img.addEventListener("error", () => { img.remove(); thumb.append(icon("file", "fi"), h("span", { class: "ext", text: extOf(name).toUpperCase().slice(0, 4) })); });
        thumb.append(img);
      } else {
        thumb.append(icon("file", "fi"), h("span", { class: "ext", text: extOf(name).toUpperCase().slice(0, 4) }));
      }
      const r = {};
      r.name = h("div", { class: "name" });
      r.status = h("span", { class: "status" });
      r.badge = h("span", { class: "badge", hidden: true }, icon("bolt"), h("span"));
      r.bytes = h("span");
      r.speed = h("span");
      r.eta = h("span");
      r.meta = h("div", { class: "meta" }, r.status, r.badge, r.bytes, r.speed, r.eta);
      r.fill = h("div", { class: "fill" });
      r.bar = h("div", { class: "bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100" }, r.fill);
      r.err = h("div", { class: "err", hidden: true });
      const btn = (kind, fn) => h("button", { type: "button", class: "iconbtn", "data-action": kind, onclick: fn }, h("span", { html: ICONS[kind] }));
      r.pause = btn("pause", () => item.task.pause());
      r.resume = btn("resume", () => item.task.resume());
      r.retry = btn("retry", () => item.task.retry());
      r.cancel = btn("cancel", () => item.task.cancel());
      r.remove = btn("remove", () => this._removeItem(item));
      r.li = h("li", { class: "item", part: "item" }, thumb, h("div", { class: "body" }, r.name, r.meta, r.bar, r.err), h("div", { class: "actions" }, r.pause, r.resume, r.retry, r.cancel, r.remove));
      return r;
    }

    _removeItem(item) {
      const id = item.task.id;
      const idx = this._order.indexOf(id);
      const next = this._order[idx + 1] || this._order[idx - 1];
      this._items.delete(id);
      this._order.splice(idx, 1);
      item.row.li.remove();
      if (item.thumbURL) URL.revokeObjectURL(item.thumbURL);
      this._renderSummary();
      // Keep keyboard focus in the list rather than losing it to <body>.
      const nextItem = next && this._items.get(next);
      const focusTarget = nextItem && Array.from(nextItem.row.li.querySelectorAll("button")).find((b) => !b.hidden);
      (focusTarget || this._chooseBtn).focus();
    }

    _onSnapshot(item, snap, prev) {
      item.snap = snap;
      this._dirty.add(snap.id);
      this._schedule();
      const t = this.t;
      const detail = snap;
      if (!prev || prev.state !== snap.state) {
        this._emit("ferry-state", detail);
        if (FINISHED.has(snap.state)) {
          this._emit("ferry-complete", detail);
          this._announcer.say(t(snap.state === "rapid" ? "announceRapid" : "announceDone", { name: snap.name }));
        } else if (snap.state === "failed") {
          this._emit("ferry-error", detail);
          this._announcer.say(t("announceFailed", { name: snap.name, message: t.errorText(snap.error) }));
        } else if (snap.state === "canceled") {
          this._announcer.say(t("announceCanceled", { name: snap.name }));
        } else if (snap.state === "paused") {
          this._announcer.say(t("announcePaused", { name: snap.name }));
        }
        if (prev && ACTIVE.has(prev.state) && !this._hasActive() && this._items.size > 1) this._announcer.say(t("announceAllDone"));
      } else {
        this._emit("ferry-progress", detail);
      }
      if (snap.state === "uploading") {
        const tot = this._totals();
        this._announcer.progress(t("announceProgress", { percent: t.percent(tot.fraction), n: tot.active }), performance.now());
      }
    }

    _emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }

    _schedule() {
      if (this._frame) return;
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        for (const id of this._dirty) {
          const item = this._items.get(id);
          if (item) this._renderRow(item);
        }
        this._dirty.clear();
        this._renderSummary();
      });
    }

    _renderRow(item) {
      const t = this.t;
      const s = item.snap;
      const r = item.row;
      const name = s.name;
      r.li.dataset.state = s.state;
      r.li.dataset.taskId = s.id;
      r.name.textContent = name;
      r.name.title = s.path || name;
      r.status.replaceChildren(...(FINISHED.has(s.state) ? [icon("check")] : []), t(s.state));
      r.badge.hidden = s.state !== "rapid";
      r.badge.lastChild.textContent = t("instant");
      r.badge.title = t("rapidNote");
      const pct = t.percent(s.fraction);
      // Finished: the size. Moving, or stopped part-way: "loaded of size". Not started: the size.
      const partWay = !FINISHED.has(s.state) && (s.loaded > 0 || (ACTIVE.has(s.state) && s.state !== "queued")) && s.state !== "canceled";
      r.bytes.textContent = partWay && s.size > 0 ? t("bytesOf", { loaded: t.bytes(s.loaded || 0), size: t.bytes(s.size) }) : t.bytes(s.size || 0);
      const moving = s.state === "uploading";
      r.speed.textContent = moving && s.bytesPerSecond ? t("perSecond", { speed: t.bytes(s.bytesPerSecond) }) : "";
      r.eta.textContent = moving && s.etaSeconds !== null && s.etaSeconds !== undefined ? t("left", { eta: t.duration(s.etaSeconds) }) : "";
      r.speed.hidden = !r.speed.textContent;
      r.eta.hidden = !r.eta.textContent;
      r.fill.style.width = `${FINISHED.has(s.state) ? 100 : pct}%`;
      r.bar.setAttribute("aria-valuenow", String(FINISHED.has(s.state) ? 100 : pct));
      r.bar.setAttribute("aria-valuetext", `${FINISHED.has(s.state) ? 100 : pct}% · ${t(s.state)}`);
      r.bar.setAttribute("aria-label", t("progressName", { name }));
      r.err.hidden = !(s.error && (s.state === "failed" || s.state === "paused"));
      r.err.textContent = s.error ? t.errorText(s.error) : "";
      const label = (b, key) => { const l = t(key, { name }); b.setAttribute("aria-label", l); b.title = l; };
      label(r.pause, "pauseName");
      label(r.resume, "resumeName");
      label(r.retry, "retryName");
      label(r.cancel, "cancelName");
      label(r.remove, "removeName");
      const focused = this._root.activeElement;
      r.pause.hidden = !ACTIVE.has(s.state);
      r.resume.hidden = s.state !== "paused";
      r.retry.hidden = s.state !== "failed";
      r.cancel.hidden = !(ACTIVE.has(s.state) || s.state === "paused" || s.state === "failed");
      r.remove.hidden = !(FINISHED.has(s.state) || s.state === "canceled");
      // A button that just hid itself (pause → resume) hands focus to its replacement.
      if (focused && r.li.contains(focused) && focused.hidden) {
        const next = [r.resume, r.pause, r.retry, r.remove, r.cancel].find((b) => !b.hidden);
        if (next) next.focus();
      }
    }

    _totals() {
      const tot = { size: 0, loaded: 0, active: 0, paused: 0, failed: 0, done: 0, count: 0, bytesPerSecond: 0, etaSeconds: null, fraction: 0 };
      for (const { snap: s } of this._items.values()) {
        if (s.state === "canceled") continue;
        tot.count++;
        tot.size += s.size || 0;
        tot.loaded += FINISHED.has(s.state) ? s.size || 0 : Math.min(s.size || 0, (s.fraction || 0) * (s.size || 0));
        if (ACTIVE.has(s.state)) tot.active++;
        if (s.state === "paused") tot.paused++;
        if (s.state === "failed") tot.failed++;
        if (FINISHED.has(s.state)) tot.done++;
        if (s.state === "uploading" && s.bytesPerSecond) tot.bytesPerSecond += s.bytesPerSecond;
        if (s.state === "uploading" && s.etaSeconds !== null && s.etaSeconds !== undefined) tot.etaSeconds = Math.max(tot.etaSeconds || 0, s.etaSeconds);
      }
      tot.fraction = tot.size ? tot.loaded / tot.size : tot.count && tot.done === tot.count ? 1 : 0;
      // Prefer the engine's own totals when it sends them.
      const eng = this._client && this._client._engine.total;
      if (eng && tot.active) {
        if (typeof eng.bytesPerSecond === "number") tot.bytesPerSecond = eng.bytesPerSecond;
        // Never shorter than a running file's own estimate (the engine's totals may be older).
        if (typeof eng.etaSeconds === "number") tot.etaSeconds = Math.max(eng.etaSeconds, tot.etaSeconds || 0);
      }
      // The total bar never moves backwards while the same batch runs.
      if (tot.active || tot.paused) {
        this._totalFloor = Math.max(this._totalFloor || 0, tot.fraction);
        tot.fraction = this._totalFloor;
      } else {
        this._totalFloor = 0;
      }
      return tot;
    }

    _renderSummary() {
      if (!this._summary) return;
      const t = this.t;
      const tot = this._totals();
      this._summary.hidden = tot.count === 0 && !this._items.size;
      if (this._summary.hidden) return;
      let text;
      if (tot.active) text = t("summaryActive", { n: tot.active, total: tot.count });
      else if (tot.paused) text = t("summaryPaused", { n: tot.paused, total: tot.count });
      else text = t("summaryIdle", { done: tot.done, total: tot.count });
      const details = [];
      if (tot.active && tot.count > 1) details.push(t("summaryDoneOf", { done: tot.done, total: tot.count }));
      if (tot.size) details.push(t("bytesOf", { loaded: t.bytes(tot.loaded), size: t.bytes(tot.size) }));
      if (tot.active && tot.bytesPerSecond) details.push(t("perSecond", { speed: t.bytes(tot.bytesPerSecond) }));
      if (tot.active && tot.etaSeconds !== null) details.push(t("left", { eta: t.duration(tot.etaSeconds) }));
      if (tot.failed) details.push(t("summaryFailed", { n: tot.failed }));
      this._summaryText.replaceChildren(text, h("small", { text: details.join(" · ") }));
      const pct = t.percent(tot.fraction);
      this._totalFill.style.width = `${pct}%`;
      this._totalBar.setAttribute("aria-valuenow", String(pct));
      this._totalBar.setAttribute("aria-valuetext", `${pct}%`);
      this._summary.toggleAttribute("data-all-done", tot.count > 0 && tot.done === tot.count);
      this._pauseAllBtn.hidden = !tot.active;
      this._resumeAllBtn.hidden = !tot.paused;
      this._retryAllBtn.hidden = !tot.failed;
      this._cancelAllBtn.hidden = !(tot.active || tot.paused);
      this._clearBtn.hidden = !Array.from(this._items.values()).some((it) => FINISHED.has(it.snap.state) || it.snap.state === "canceled");
    }

    _hasActive() {
      for (const it of this._items.values()) if (ACTIVE.has(it.snap.state)) return true;
      return false;
    }

    pauseAll() { for (const it of this._items.values()) if (ACTIVE.has(it.snap.state)) it.task.pause(); }
    resumeAll() { for (const it of this._items.values()) if (it.snap.state === "paused") it.task.resume(); }
    retryFailed() { for (const it of this._items.values()) if (it.snap.state === "failed") it.task.retry(); }
    cancelAll() { for (const it of this._items.values()) if (ACTIVE.has(it.snap.state) || it.snap.state === "paused") it.task.cancel(); }
    clearFinished() {
      for (const it of Array.from(this._items.values())) if (FINISHED.has(it.snap.state) || it.snap.state === "canceled") {
        this._items.delete(it.task.id);
        this._order.splice(this._order.indexOf(it.task.id), 1);
        it.row.li.remove();
        if (it.thumbURL) URL.revokeObjectURL(it.thumbURL);
      }
      this._renderSummary();
      this._chooseBtn.focus();
    }

    /** Snapshots of every task in the list, in order. */
    get tasks() {
      return this._order.map((id) => this._items.get(id).task);
    }

    // ---- resume after reload ---------------------------------------------------------------

    _renderResume() {
      if (!this._resumeBox) return;
      const t = this.t;
      const entries = this._restorable || [];
      const box = this._resumeBox;
      if (!entries.length) {
        box.hidden = true;
        this._resumeShowBtn.hidden = true;
        return;
      }
      // The prompt can be folded away but never disappears while something can be resumed.
      this._resumeShowBtn.hidden = !this._resumeHidden;
      this._resumeShowBtn.replaceChildren(icon("history"), h("span", { text: t("resumeShow", { n: entries.length }) }));
      box.hidden = this._resumeHidden;
      if (this._resumeHidden) return;
      const headingId = "ferry-resume-title";
      box.setAttribute("aria-labelledby", headingId);
      const rows = entries.map((e) => {
        const what = h("div", { class: "what", text: t("resumeEntry", { name: e.name, size: t.bytes(e.size), percent: t.percent(e.fraction) }) });
        const canResumeDirectly = !!e.hasFile;
        const action = canResumeDirectly
          ? h("button", { type: "button", class: "btn small primary", "aria-label": t("resumeActionName", { name: e.name }), onclick: () => this._resumeEntry(e, null) }, icon("resume"), h("span", { text: t("resumeAction") }))
          : h("button", { type: "button", class: "btn small primary", "aria-label": t("resumeChooseName", { name: e.name }), onclick: () => this._repick(e) }, icon("file"), h("span", { text: t("resumeChoose") }));
        const discard = h("button", { type: "button", class: "btn small discard", "aria-label": t("resumeDiscardName", { name: e.name }), onclick: () => this._discard(e) }, icon("remove"), h("span", { text: t("resumeDiscard") }));
        if (e._busy) discard.setAttribute("aria-disabled", "true");
        const why = h("div", { class: e._error ? "why err" : "why", text: e._error ? t.errorText(e._error) : canResumeDirectly ? "" : t("resumePick") });
        if (!why.textContent) why.hidden = true;
        const li = h("li", { "data-entry": e.id }, what, h("div", { class: "acts" }, action, discard), why);
        return li;
      });
      box.replaceChildren(
        h("h3", { id: headingId }, icon("history"), h("span", { text: t("resumeTitle") })),
        h("p", { text: entries.length === 1 ? t("resumeIntro1") : t("resumeIntro", { n: entries.length }) }),
        h("ul", null, rows),
        h("div", { class: "row" }, h("button", { type: "button", class: "btn small link", onclick: () => { this._resumeHidden = true; this._renderResume(); this._resumeShowBtn.focus(); } }, t("resumeLater"))));
    }

    // Discard forgets an interrupted upload without its file: the engine deletes its checkpoint
    // and the server's upload task. Focus moves to the next entry (or the file picker).
    async _discard(entry) {
      if (entry._busy) return;
      entry._busy = true;
      delete entry._error;
      this._renderResume();
      this._focusEntry(entry.id, ".discard");
      let error = null;
      try {
        await entry.forget();
      } catch (e) {
        if (e && e.code !== "NotFound") error = { code: e.code || "Internal", message: e.message || "" };
      }
      entry._busy = false;
      const list = this._restorable || [];
      const at = list.indexOf(entry);
      if (error) {
        entry._error = error;
        this._renderResume();
        this._focusEntry(entry.id, ".discard");
        return;
      }
      this._restorable = list.filter((e) => e !== entry);
      this._announcer.say(this.t("announceDiscarded", { name: entry.name }));
      this._renderResume();
      const next = this._restorable[Math.min(at, this._restorable.length - 1)];
      if (next) this._focusEntry(next.id, "button");
      else this._chooseBtn.focus();
    }

    _focusEntry(id, sel) {
      const btn = this._resumeBox && this._resumeBox.querySelector(`li[data-entry="${cssEscape(id)}"] ${sel}`);
      if (btn) btn.focus();
    }

    _repick(entry) {
      this._repickEntry = entry;
      const input = this._repickInput;
      const accept = this.getAttribute("accept");
      if (accept) input.setAttribute("accept", accept);
      input.click();
    }

    _repicked() {
      const file = this._repickInput.files && this._repickInput.files[0];
      this._repickInput.value = "";
      const entry = this._repickEntry;
      this._repickEntry = null;
      if (file && entry) this._resumeEntry(entry, file);
    }

    _resumeEntry(entry, file) {
      delete entry._error;
      this._resuming.add(entry.id);
      const task = entry.resume(file, { conflict: this.getAttribute("conflict") || undefined });
      // The entry becomes a row in the list at once; if the engine finds it is not the same
      // file (FileChanged) or another tab owns it (Busy), the row goes and the entry comes back
      // with the reason, so the user can pick again.
      this._restorable = (this._restorable || []).filter((e) => e !== entry);
      this._renderResume();
      this._startTask(task);
      const unsub = task._subscribe((snap) => {
        if (snap.state === "failed" && snap.error && (snap.error.code === "FileChanged" || snap.error.code === "Busy")) {
          unsub();
          const item = this._items.get(task.id);
          if (item) {
            this._items.delete(task.id);
            this._order.splice(this._order.indexOf(task.id), 1);
            item.row.li.remove();
            if (item.thumbURL) URL.revokeObjectURL(item.thumbURL);
          }
          this._engineForget(task);
          entry._error = snap.error;
          this._resuming.delete(entry.id);
          this._restorable = [...(this._restorable || []).filter((e) => e.id !== entry.id), entry];
          this._resumeHidden = false;
          this._renderResume();
          this._renderSummary();
          const btn = this._resumeBox.querySelector(`li[data-entry="${cssEscape(entry.id)}"] button`);
          if (btn) btn.focus();
        } else if (FINISHED.has(snap.state) || snap.state === "uploading") {
          unsub();
        }
      });
    }

    _engineForget(task) {
      if (this._client) this._client._engine.tasks.delete(task.id);
    }
  }

  function cssEscape(s) {
    return window.CSS && window.CSS.escape ? window.CSS.escape(String(s)) : String(s).replace(/["\\]/g, "\\$&");
  }

  if (!customElements.get("ferry-uploader")) customElements.define("ferry-uploader", FerryUploader);
  Ferry.Uploader = FerryUploader;
})();
