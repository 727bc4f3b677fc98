// Adding files to <ferry-uploader>: picked, dropped (folders walked) or pasted, then checked.

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

// FerryUploader's methods for adding files and showing why some were refused (element.js puts them
// on its prototype).
class UploaderPicking {
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
}
