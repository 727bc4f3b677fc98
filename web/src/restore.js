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

  _engineForget(task) {
    task._engine.tasks.delete(task.id); // its own engine: the client may have been replaced since
  }
}

function cssEscape(s) {
  return window.CSS && window.CSS.escape ? window.CSS.escape(String(s)) : String(s).replace(/["\\]/g, "\\$&");
}
