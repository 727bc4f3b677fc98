// The demo page's own script (kept out of the HTML so the page's CSP needs no 'unsafe-inline').
"use strict";
const uploader = document.getElementById("uploader");
const events = document.getElementById("events");
const locale = document.getElementById("locale");
const theme = document.getElementById("theme");

const fmt = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
function size(n) {
  const u = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < u.length - 1) { n /= 1000; i++; }
  return `${fmt.format(n)} ${u[i]}`;
}

function log(kind, text) {
  const li = document.createElement("li");
  li.className = kind;
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString();
  const body = document.createElement("span");
  body.textContent = text;
  li.append(time, body);
  events.prepend(li);
  while (events.children.length > 12) events.lastChild.remove();
}

uploader.addEventListener("ferry-state", (e) => {
  const s = e.detail;
  if (!["done", "rapid", "failed"].includes(s.state)) log("state", `${s.name}: ${s.state}`);
});
uploader.addEventListener("ferry-complete", (e) => {
  const s = e.detail;
  log("complete", `${s.name} → ${s.path} (${size(s.size)}${s.state === "rapid" ? ", instant" : ""})`);
});
uploader.addEventListener("ferry-error", (e) => {
  const s = e.detail;
  log("error", `${s.name}: ${s.error ? s.error.code : "error"}`);
});

// Query parameters named like the element's attributes set them, e.g.
// index.html?locale=zh-CN&part-size=1MiB&concurrency=1&accept=image/*
const saved = new URLSearchParams(location.search);
for (const name of ["token-url", "path", "accept", "max-size", "max-files", "conflict", "concurrency",
  "parallel-files", "part-size", "quick-upload", "credentials", "multiple"]) {
  if (!saved.has(name)) continue;
  if (name === "multiple" && saved.get(name) === "off") uploader.removeAttribute("multiple");
  else uploader.setAttribute(name, saved.get(name));
}
if (saved.get("locale")) uploader.setAttribute("locale", saved.get("locale"));
if (saved.get("theme") === "dark") { uploader.setAttribute("theme", "dark"); document.documentElement.dataset.theme = "dark"; }
locale.value = uploader.getAttribute("locale") || "en";
theme.value = uploader.getAttribute("theme") || "light";
locale.addEventListener("change", () => {
  uploader.setAttribute("locale", locale.value);
  document.documentElement.lang = locale.value;
});
theme.addEventListener("change", () => {
  uploader.setAttribute("theme", theme.value);
  document.documentElement.dataset.theme = theme.value;
});
