// The element's list of uploads: a row per task, the summary with totals, and the actions on all tasks.

// FerryUploader's methods for tasks and rows (element.js puts them on its prototype).
class UploaderList {
  _startTask(task) {
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

  // A row that runs, or can still be resumed or retried, needs the engine that knows its task.
  _needsClient() {
    for (const it of this._items.values()) if (ACTIVE.has(it.snap.state) || it.snap.state === "paused" || it.snap.state === "failed") return true;
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
}
