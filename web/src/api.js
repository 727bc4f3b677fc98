// The JS API (window.Ferry): Ferry.create(options) → client; client.upload(file, options) → task.

// Every element on the page hears when a restorable upload is resumed, forgotten, or when a
// task starts uploading or settles (one may have taken or let go a restorable upload), through
// whichever client: the page's clients share the origin's checkpoints, so a prompt filled at
// its first look would otherwise go stale.
const restorableWatchers = new Set();
function restorableChanged(change) {
  for (const fn of restorableWatchers) {
    try { fn(change); } catch (e) { setTimeout(() => { throw e; }); }
  }
}

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
    // Told before the task's own listeners: the element tells its own resumes from others' by
    // its list of them, which its listener may change.
    if (s.state !== prev.state && (s.state === "uploading" || FINISHED.has(s.state) || s.state === "failed" || s.state === "canceled")) {
      restorableChanged({ type: "task", state: s.state, path: s.path, entryId: this._entryId });
    }
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
      verify: options.verify === "local" ? "local" : undefined,
      baseUrl: BASE,
      origin: location.origin,
      headers: !!options.getHeaders, // the worker asks for none without it (PROTOCOL.md)
    };
    this._engine = new Engine(config, () => (this.options.getHeaders ? this.options.getHeaders() : {}));
  }

  get getHeaders() { return this.options.getHeaders; }
  set getHeaders(fn) {
    this.options.getHeaders = fn;
    this._engine.config.headers = !!fn; // for a worker not yet started
    if (this._engine.readyPromise) this._engine.post({ type: "getHeaders", present: !!fn });
  }

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
      entry.forget = () => this._engine.call("forget", { entryId: e.id }).then(() => {
        restorableChanged({ type: "forget", entryId: e.id });
      }, (err) => {
        if (err && err.code === "NotFound") restorableChanged({ type: "forget", entryId: e.id });
        throw err;
      });
      return entry;
    });
  }

  _resumeEntry(entry, file, options) {
    options = Object.assign({}, options);
    const task = new Task(this._engine, newTaskID(), file || { name: entry.name, size: entry.size }, Object.assign({}, options, { path: entry.path }));
    task._snap.fraction = entry.fraction || 0;
    task._entryId = entry.id;
    this._engine.tasks.set(task.id, task);
    this._engine.post({
      type: "resumeEntry",
      taskId: task.id,
      entryId: entry.id,
      file: file || null,
      options: { conflict: options.conflict, labels: options.labels, meta: options.meta },
    });
    restorableChanged({ type: "resume", entryId: entry.id });
    return task;
  }

  async signOut() {
    try {
      await this._engine.call("signOut", {});
    } finally {
      restorableChanged({ type: "signOut" }); // the user's checkpoints are forgotten, or some of them
    }
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
  // A new locale holds only what it is given: the translator takes any other message, with its
  // singular, from English. A message given without its singular drops the one it had (it
  // belonged to the old text).
  addLocale(name, strings) {
    strings = strings || {};
    const old = LOCALES[name] || {};
    const tab = Object.assign({}, old, strings, { error: Object.assign({}, old.error, strings.error) });
    for (const key of Object.keys(strings)) {
      if (!key.endsWith("_one") && strings[key + "_one"] === undefined) delete tab[key + "_one"];
    }
    LOCALES[name] = tab;
  },
  parseSize,
  FerryError,
};
Object.defineProperty(Ferry, "locales", { get: () => Object.keys(LOCALES) });
window.Ferry = Ferry;
