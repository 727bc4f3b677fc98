// <ferry-uploader>: lifecycle, settings, client and DOM; the other files' methods joined; registration.

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
    this._resuming = new Set(); // ids of restorable entries handed to the engine
    this._away = new Set(); // ids of restorable entries a task elsewhere resumed (still under way)
    this._back = new Set(); // ids of those whose task ended: the next look may list them again
    this._looks = 0;
    this._onRestorable = (change) => this._restorableChanged(change);
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
    restorableWatchers.add(this._onRestorable);
    if (this._restorable) this._relook(); // what changed while it was away from the page
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
    restorableWatchers.delete(this._onRestorable);
    document.removeEventListener("paste", this._onPaste);
    if (this._io) this._io.disconnect();
  }

  attributeChangedCallback(name) {
    if (!this._built) return;
    if (["token-url", "concurrency", "parallel-files", "part-size", "quick-upload", "credentials"].includes(name)) {
      // New engine settings apply to a new client once no row needs the old one (see
      // _ensureClient): a paused or failed row resumes or retries on the engine that knows it.
      this._settingsChanged = true;
      if (this._client && !this._needsClient()) this._dropClient();
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

  _dropClient() {
    this._client.close();
    this._client = null;
    this._restorable = null;
    // The new client's first look reads afresh: entries a task still owns are not listed.
    this._away.clear();
    this._back.clear();
  }

  _ensureClient() {
    // Settings changed while rows still needed the old client apply at the first use after none does.
    if (this._client && this._settingsChanged && !this._needsClient()) {
      this._dropClient();
      if (this._warm) queueMicrotask(() => this._warmUp());
    }
    if (!this._client) {
      this._settingsChanged = false;
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

  // The first look fills the prompt. A look again (see _relook) only narrows it to what the
  // engine still lists, and takes back the entries a task elsewhere let go.
  async _loadRestorable(again) {
    if (again ? !this._restorable || !this._client : this._restorable) return;
    const client = again ? this._client : this._ensureClient();
    const look = ++this._looks;
    try {
      const list = await client.restorable();
      // Replaced meanwhile (the new client looks itself), or a later look answers.
      if (client !== this._client || look !== this._looks || (again && this._relookAgain)) return;
      // Leave out what this page uploads or is resuming, or a task elsewhere resumed; keep the
      // entries already shown (with any message they carry), by id.
      const mine = new Set(Array.from(this._items.values()).map((it) => it.snap.path));
      const shown = new Map((this._restorable || []).map((e) => [e.id, e]));
      const wanted = (e) => !mine.has(e.path) && !this._resuming.has(e.id) && !this._away.has(e.id);
      if (again) {
        const listed = new Map(list.map((e) => [e.id, e]));
        // An entry being discarded here stays until its discard ends (the engine holds it meanwhile).
        const kept = this._restorable.filter((e) => e._busy || (listed.has(e.id) && wanted(e)));
        for (const e of kept) if (listed.has(e.id)) e.fraction = listed.get(e.id).fraction;
        const back = list.filter((e) => this._back.has(e.id) && !shown.has(e.id) && wanted(e));
        this._back.clear();
        const next = [...kept, ...back];
        if (next.length === this._restorable.length && next.every((e, i) => e === this._restorable[i])) return;
        this._restorable = next;
        this._renderResumeKeepingFocus(shown);
        return;
      }
      this._restorable = list
        .filter(wanted)
        .map((e) => (shown.has(e.id) ? Object.assign(shown.get(e.id), { fraction: e.fraction }) : e));
    } catch (e) {
      if (client !== this._client || again) return; // a look again that failed changes nothing
      this._restorable = this._restorable || [];
    }
    this._renderResume();
  }

  // ---- building ------------------------------------------------------------------------

  _build() {
    this._built = true;
    this._live = h("div", { class: "sr", "aria-live": "polite", "aria-atomic": "true" });
    this._announcer = new Announcer(this._live);

    this._fileInput = h("input", { type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true", onchange: () => this._picked(this._fileInput) });
    this._folderInput = h("input", { type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true", webkitdirectory: true, onchange: () => this._picked(this._folderInput) });
    this._repickInput = h("input", { type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true", onchange: () => this._repicked() });

    this._titleEl = h("p", { class: "title", id: "ferry-title" });
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
}

// The element's other methods live in picking.js, list.js and restore.js, in classes whose members
// are copied onto FerryUploader's prototype as they are (getters included): one element, in files
// of a size to read. A name defined twice would silently replace a method, so it stops here.
for (const part of [UploaderPicking, UploaderList, UploaderRestore]) {
  for (const name of Object.getOwnPropertyNames(part.prototype)) {
    if (name === "constructor") continue;
    if (Object.prototype.hasOwnProperty.call(FerryUploader.prototype, name)) throw new Error(`Ferry: FerryUploader.${name} is defined twice`);
    Object.defineProperty(FerryUploader.prototype, name, Object.getOwnPropertyDescriptor(part.prototype, name));
  }
}

if (!customElements.get("ferry-uploader")) customElements.define("ferry-uploader", FerryUploader);
Ferry.Uploader = FerryUploader;
