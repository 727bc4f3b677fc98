// A custom UI over window.Ferry: everything shown comes from task snapshots.
"use strict";
const $ = (id) => document.getElementById(id);
const nf = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const size = (n) => {
  const u = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < u.length - 1) { n /= 1000; i++; }
  return `${nf.format(n)} ${u[i]}`;
};

let client;
const tasks = [];
window.demo = { tasks, get client() { return client; } }; // for the browser tests

function el(tag, props, ...kids) {
  const e = Object.assign(document.createElement(tag), props || {});
  e.append(...kids);
  return e;
}

function show(task) {
  const bar = el("progress", { max: 1, value: 0 });
  const info = el("span", { className: "info" });
  const result = el("div", { className: "result" });
  const pause = el("button", { className: "b", type: "button", textContent: "Pause", onclick: () => task.pause() });
  const resume = el("button", { className: "b", type: "button", textContent: "Resume", onclick: () => task.resume() });
  const retry = el("button", { className: "b", type: "button", textContent: "Retry", onclick: () => { task.retry(); watch(); } });
  const cancel = el("button", { className: "b", type: "button", textContent: "Cancel", onclick: () => task.cancel() });
  const name = el("span", { className: "name" });
  const li = el("li", { className: "job" },
    el("div", { className: "top-line" }, name, info), bar, el("div", { className: "ctl" }, pause, resume, retry, cancel), result);
  li.dataset.taskId = task.id;
  $("jobs").prepend(li);
  const draw = (s) => {
    li.dataset.state = s.state;
    name.textContent = s.path || s.name;
    bar.value = s.fraction;
    bar.setAttribute("aria-label", `Progress of ${s.name}`);
    const parts = [s.state, `${size(s.loaded)} of ${size(s.size)}`];
    if (s.bytesPerSecond) parts.push(`${size(s.bytesPerSecond)}/s`);
    if (s.etaSeconds != null) parts.push(`${Math.ceil(s.etaSeconds)} s left`);
    info.textContent = parts.join(" · ");
    const active = ["queued", "hashing", "beginning", "uploading", "confirming"].includes(s.state);
    pause.disabled = !active;
    resume.disabled = s.state !== "paused";
    retry.disabled = s.state !== "failed";
    cancel.disabled = !(active || s.state === "paused" || s.state === "failed");
    if (s.error) { result.className = "result err"; result.textContent = `${s.error.code}: ${s.error.message}`; }
  };
  task._draw = draw;
  const watch = () => task.done.then((info) => {
    result.className = "result";
    result.textContent = `Stored at ${info.path} · crc64 ${info.crc64}${info.rapid ? " · quick upload (no bytes sent)" : ""}`;
    li.dataset.result = JSON.stringify(info);
  }, (err) => {
    result.className = "result err";
    result.textContent = `${err.code}: ${err.message}`;
  });
  watch();
  draw(task.snapshot());
}

function upload(file, folder) {
  const path = (folder.endsWith("/") ? folder : folder + "/") + file.name;
  let task;
  task = client.upload(file, { path, conflict: "rename", onProgress: (s) => task && task._draw && task._draw(s) });
  tasks.push(task);
  show(task);
  return task;
}

async function refreshRestorable() {
  const list = await client.restorable();
  const ul = $("restorable");
  ul.replaceChildren();
  if (!list.length) ul.append(el("li", { className: "muted", textContent: "None." }));
  for (const entry of list) {
    const btn = el("button", { className: "b", type: "button", textContent: "Pick file…" });
    btn.setAttribute("aria-label", `Pick ${entry.name} again to resume it`);
    btn.onclick = () => {
      const input = $("repick");
      input.onchange = () => {
        const file = input.files[0];
        input.value = "";
        if (!file) return;
        let task;
        task = entry.resume(file, { onProgress: (s) => task && task._draw && task._draw(s) });
        tasks.push(task);
        show(task);
        refreshRestorable();
      };
      input.click();
    };
    const forget = el("button", { className: "b", type: "button", textContent: "Forget" });
    forget.setAttribute("aria-label", `Forget the interrupted upload of ${entry.name}`);
    forget.onclick = async () => {
      try {
        await entry.forget();
      } catch (e) {
        $("status").textContent = `Could not forget ${entry.name}: ${e.code}: ${e.message}`;
      }
      refreshRestorable();
    };
    ul.append(el("li", {}, el("span", { textContent: `${entry.name} · ${size(entry.size)} · ${Math.floor(entry.fraction * 100)}%` }), btn, forget));
  }
}

async function main() {
  try {
    client = await Ferry.create({ tokenUrl: "/v1/token", getHeaders: async () => ({}) });
  } catch (e) {
    $("status").textContent = `The engine did not start: ${e.message}`;
    return;
  }
  $("status").textContent = "Ready.";
  $("form").addEventListener("submit", (e) => {
    e.preventDefault();
    for (const file of $("files").files) upload(file, $("folder").value || "/");
    $("files").value = "";
  });
  $("signout").addEventListener("click", async () => {
    await client.signOut();
    $("status").textContent = "Signed out: tokens revoked, checkpoints forgotten.";
    refreshRestorable();
  });
  refreshRestorable().catch(() => {});
}
main();
