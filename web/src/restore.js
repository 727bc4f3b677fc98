// The restore prompt: uploads a reload interrupted, resumed (the file picked again) or discarded.

// FerryUploader's methods for resuming after a reload (element.js puts them on its prototype).
class UploaderRestore {
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
      h("p", { text: t("resumeIntro", { n: entries.length }) }),
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

  // A change from any client of the page (restorableChanged in api.js). An entry resumed or
  // forgotten there goes from the prompt at once. The engine is asked again when a task
  // resumed there settles (a refused file, a failure: the entry is restorable again), when a
  // task of a listed entry's path starts or settles (the same file uploaded again takes its
  // checkpoint), and after a sign-out. Each look tries the entries' locks, so it looks only
  // then. The element's own resumes and discards draw themselves.
  _restorableChanged(change) {
    const id = change.entryId;
    if (id && this._resuming.has(id)) return;
    const shown = this._restorable || [];
    if (change.type === "resume") {
      this._away.add(id);
      this._dropRestorable(id);
    } else if (change.type === "forget") {
      this._away.delete(id);
      const entry = shown.find((e) => e.id === id);
      if (entry && !entry._busy) this._dropRestorable(id);
    } else if (change.type === "task") {
      if (id && this._away.has(id)) {
        if (change.state === "uploading") return; // taken, as it was at its resume
        this._away.delete(id);
        if (FINISHED.has(change.state)) return; // stored: nothing left to take back
        this._back.add(id);
        this._relook();
      } else if (shown.some((e) => e.id === id || e.path === change.path)) {
        this._relook();
      }
    } else {
      this._relook();
    }
  }

  _dropRestorable(id) {
    const before = this._restorable;
    if (!before || !before.some((e) => e.id === id)) return;
    this._restorable = before.filter((e) => e.id !== id);
    this._renderResumeKeepingFocus(new Map(before.map((e) => [e.id, e])));
  }

  // _relook asks the engine again, one look at a time: changes while one runs make it look once
  // more. Only a prompt with something to narrow or take back asks.
  async _relook() {
    if (!this._restorable || !this._client || (!this._restorable.length && !this._back.size)) return;
    if (this._relooking) {
      this._relookAgain = true;
      return;
    }
    this._relooking = true;
    try {
      do {
        this._relookAgain = false;
        await this._loadRestorable(true);
      } while (this._relookAgain);
    } finally {
      this._relooking = false;
    }
  }

  // Draws the prompt after a change from elsewhere. Focus in it stays on the same control of
  // the same entry, or goes to the entry now in its place, else to the prompt or the picker.
  // before: the entries shown until now, by id, in their order.
  _renderResumeKeepingFocus(before) {
    const active = this._root.activeElement;
    const inBox = !!active && this._resumeBox.contains(active);
    const onShow = !!active && active === this._resumeShowBtn;
    const li = inBox ? active.closest("li[data-entry]") : null;
    const id = li ? li.getAttribute("data-entry") : null;
    const sel = active && active.classList.contains("discard") ? ".discard" : "button";
    this._renderResume();
    if (!inBox && !onShow) return;
    const list = this._restorable || [];
    if (onShow) {
      if (this._resumeShowBtn.hidden) this._chooseBtn.focus();
      return;
    }
    if (id && list.some((e) => e.id === id)) return this._focusEntry(id, sel);
    if (id) {
      // The entries shown before it that are still listed: the one after them takes its place.
      const ids = Array.from(before.keys());
      const at = ids.slice(0, ids.indexOf(id)).filter((x) => list.some((e) => e.id === x)).length;
      const next = list[Math.min(at, list.length - 1)];
      if (next) return this._focusEntry(next.id, "button");
    }
    const btn = !this._resumeBox.hidden && this._resumeBox.querySelector(id ? "button" : ".row button");
    if (btn) btn.focus();
    else this._chooseBtn.focus();
  }

  _engineForget(task) {
    task._engine.tasks.delete(task.id); // its own engine: the client may have been replaced since
  }
}

function cssEscape(s) {
  return window.CSS && window.CSS.escape ? window.CSS.escape(String(s)) : String(s).replace(/["\\]/g, "\\$&");
}
