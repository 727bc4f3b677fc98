// Shared helpers of Ferry's browser end-to-end tests: the browser, test files on disk, the
// emulator's test-control API, and screenshots.
//
// Environment (scripts/lib/tier-e2e.sh sets it):
//   CHROMIUM_PATH          Debian's chromium
//   FERRY_E2E_URL          the dev server: web/ and the token function
//   FERRY_E2E_MODE         that function's role mode: brokered (the default) or direct
//   FERRY_E2E_DIRECT_URL   a dev server whose direct role may confirm directly (direct quick upload)
//   FERRY_E2E_EMULATOR     the provider's emulator (its /_emulator/* test-control API)
//   FERRY_E2E_PROVIDER     the provider behind the function: smh (the default), pds or gokuai
//   FERRY_E2E_USER         the caller the function signs in as (dev-user: AUTH_MODE=anonymous)
//   FERRY_E2E_FILES        a folder for test files (large ones are real files on disk)
"use strict";
const { chromium } = require("playwright-core");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const env = {
  chromium: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  url: (process.env.FERRY_E2E_URL || "http://127.0.0.1:8080").replace(/\/$/, ""),
  mode: process.env.FERRY_E2E_MODE || "brokered",
  direct: (process.env.FERRY_E2E_DIRECT_URL || "").replace(/\/$/, ""),
  emulator: (process.env.FERRY_E2E_EMULATOR || "http://127.0.0.1:9100").replace(/\/$/, ""),
  provider: process.env.FERRY_E2E_PROVIDER || "smh",
  user: process.env.FERRY_E2E_USER || "dev-user",
  files: process.env.FERRY_E2E_FILES || path.join(os.tmpdir(), "ferry-e2e-files"),
  results: path.resolve(process.env.FERRY_E2E_RESULTS || "test-results/e2e"),
};
fs.mkdirSync(env.files, { recursive: true });
fs.mkdirSync(env.results, { recursive: true });

const MiB = 1 << 20;

// The launch flags that work on this kind of machine (no network beyond loopback).
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// launch starts chromium with a new empty profile and returns {context, page, close}.
async function launch(opts = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env.chromium,
    headless: true,
    args: FLAGS,
    viewport: opts.viewport || { width: 1200, height: 900 },
    deviceScaleFactor: opts.deviceScaleFactor || 1,
    locale: opts.locale || "en-US",
    acceptDownloads: false,
  });
  const page = context.pages()[0] || (await context.newPage());
  // File choosers are intercepted from the start. Playwright intercepts them only while a
  // listener exists and does not await turning that on, so a listener added just before a
  // click may come too late; this one is in force long before the first navigation ends.
  page.on("filechooser", () => {});
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/favicon/.test(m.text())) problems.push(`console: ${m.text()}`);
    if (process.env.FERRY_E2E_VERBOSE) console.log(`  [page ${m.type()}] ${m.text()}`);
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// makeFile writes `size` bytes of random data (deterministic from name) to the test folder,
// and returns {path, name, size, sha256}. Files are kept between runs when they match.
function makeFile(name, size, seed = name) {
  const file = path.join(env.files, name);
  const meta = `${file}.sha256`;
  if (fs.existsSync(file) && fs.existsSync(meta) && fs.statSync(file).size === size) {
    const [hash, s] = fs.readFileSync(meta, "utf8").trim().split(" ");
    if (s === String(seed)) return { path: file, name, size, sha256: hash };
  }
  const fd = fs.openSync(file, "w");
  const hash = crypto.createHash("sha256");
  // A counter-mode stream from the seed: fast, reproducible, incompressible.
  const key = crypto.createHash("sha256").update(String(seed)).digest();
  const cipher = crypto.createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  const zero = Buffer.alloc(8 * MiB);
  for (let left = size; left > 0;) {
    const n = Math.min(left, zero.length);
    const chunk = cipher.update(zero.subarray(0, n));
    fs.writeSync(fd, chunk);
    hash.update(chunk);
    left -= n;
  }
  fs.closeSync(fd);
  const sha256 = hash.digest("hex");
  fs.writeFileSync(meta, `${sha256} ${seed}\n`);
  return { path: file, name, size, sha256 };
}

// makePNG writes a real PNG (a soft diagonal gradient between two colours, with a sun), so
// thumbnails have something to show; returns what makeFile returns.
function makePNG(name, w, h, from, to) {
  const zlib = require("node:zlib");
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const k = (x / w + y / h) / 2;
      const sun = Math.hypot(x - w * 0.7, y - h * 0.3) < Math.min(w, h) * 0.16;
      for (let c = 0; c < 3; c++) {
        const v = sun ? 250 - c * 25 : Math.round(from[c] + (to[c] - from[c]) * k);
        raw[y * (w * 3 + 1) + 1 + x * 3 + c] = v;
      }
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
  const file = path.join(env.files, name);
  fs.writeFileSync(file, png);
  return { path: file, name, size: png.length, sha256: crypto.createHash("sha256").update(png).digest("hex") };
}

// A fresh copy of a file under another name (same bytes, new last-modified).
function copyFile(f, name) {
  const to = path.join(env.files, name);
  fs.copyFileSync(f.path, to);
  return Object.assign({}, f, { path: to, name });
}

async function emu(method, route, body) {
  const res = await fetch(env.emulator + route, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

// What differs between the providers' emulators, as the tests see them: the caller's area
// (home: what the role's pathPrefix puts before a path the page names), where the files of
// the caller are (library: the control API's query; SMH: the dev library's one space; PDS:
// the user's default drive; Gokuai: the user's personal library, null until it exists), and
// the data plane: prefix of its part URLs, and part(request, partSize), the 1-based part a
// Playwright request carries (SMH's COS: /cos/…?partNumber=N; PDS's OSS: /_oss/{uploadId}/N;
// Gokuai: PUT /m-upload/upload_part with x-gk-upload-range "start-end", part start/partSize+1,
// so its callers must say the part size).
const providers = {
  smh: {
    home: () => `/users/${env.user}`,
    library: async () => "library=smhdev&space=-",
    dataPlane: {
      prefix: "/cos/",
      part: (req) => Number(new URL(req.url()).searchParams.get("partNumber")),
    },
  },
  pds: {
    home: () => `/users/${env.user}`,
    library: async () => `library=${encodeURIComponent(`user:${env.user}`)}`,
    dataPlane: {
      prefix: "/_oss/",
      part: (req) => Number(new URL(req.url()).pathname.split("/").pop()),
    },
  },
  gokuai: {
    // The tiers' role has pathPrefix "/": the page's path is the library's.
    home: () => "",
    library: async () => {
      const mount = await gokuaiPersonalMount();
      return mount ? `library=${mount}` : null;
    },
    dataPlane: {
      prefix: "/m-upload/upload_part",
      part: (req, partSize) => {
        if (!(partSize > 0)) throw new Error("a Gokuai part is known by its byte range: say the part size");
        const m = /^(\d+)-(\d+)$/.exec(req.headers()["x-gk-upload-range"] || "");
        if (!m) throw new Error(`a Gokuai part without x-gk-upload-range: ${req.method()} ${req.url()}`);
        return Math.floor(Number(m[1]) / partSize) + 1;
      },
    },
  },
};

// gokuaiPersonalMount: the mount id of the caller's personal library, which the function
// creates on the caller's first upload; null before. Asked of the emulator's open API
// (info_by_member, a read, signed as the enterprise), once it exists kept until a reset.
// Retried over injected faults, which may hit any control-plane call.
const gokuai = {
  clientID: process.env.FERRY_E2E_GOKUAI_CLIENT_ID || "gkdev",
  secret: process.env.FERRY_E2E_GOKUAI_CLIENT_SECRET || "gkdevsecret",
  mount: null,
};
async function gokuaiPersonalMount() {
  if (gokuai.mount) return gokuai.mount;
  const params = { client_id: gokuai.clientID, dateline: String(Math.floor(Date.now() / 1000)), out_id: env.user };
  const signed = Object.keys(params).sort().map((k) => params[k]).join("\n");
  params.sign = crypto.createHmac("sha1", gokuai.secret).update(signed).digest("base64");
  let last = "";
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await fetch(`${env.emulator}/m-open/1/org/info_by_member`, { method: "POST", body: new URLSearchParams(params) })
      .catch((e) => ({ ok: false, status: e.cause ? e.cause.code : e.message, text: async () => "" }));
    if (res.ok) {
      const info = (await res.json()).info || {};
      gokuai.mount = info.mount_id ? String(info.mount_id) : null;
      return gokuai.mount;
    }
    last = `HTTP ${res.status}: ${await res.text()}`;
    if (!/^(5\d\d|ECONNRESET|UND_ERR_SOCKET)/.test(String(res.status))) break;
  }
  throw new Error(`info_by_member for ${env.user}: ${last}`);
}

// checkProvider fails (never skips) when the tier runs a test against a provider it was not
// written for, and returns that provider's description.
function checkProvider(...supported) {
  const p = providers[env.provider];
  if (!p) throw new Error(`FERRY_E2E_PROVIDER=${env.provider}: use ${Object.keys(providers).join(", ")}`);
  if (supported.length && !supported.includes(env.provider)) {
    throw new Error(`this test runs against ${supported.join(" or ")}, not FERRY_E2E_PROVIDER=${env.provider}`);
  }
  return p;
}

// dataPlane: the provider's part PUTs. route is the stats route name prefix of a part PUT
// ("PUT /cos/", "PUT /_oss/", "PUT /m-upload/upload_part"), pattern the glob of its URLs for
// page routing, part(request, partSize) the part a request carries.
const provider = checkProvider(); // an unknown FERRY_E2E_PROVIDER fails every test at load
const dataPlane = Object.assign({}, provider.dataPlane, {
  route: `PUT ${provider.dataPlane.prefix}`,
  pattern: `${env.emulator}${provider.dataPlane.prefix}**`,
});
// home: the caller's area, before every path the page names ("/users/dev-user", or "").
const home = provider.home();

// A library that does not exist yet (Gokuai's personal one before the first upload) holds
// no files and no uploads.
async function listing(what) {
  const q = await provider.library();
  return q ? emu("GET", `/_emulator/${what}?${q}`) : [];
}

const emulator = {
  files: () => listing("files"),
  uploads: () => listing("uploads"),
  stats: () => emu("GET", "/_emulator/stats"),
  faults: (f) => emu("POST", "/_emulator/faults", f || {}),
  expire: (what) => emu("POST", "/_emulator/expire", what || { tokens: true, uploads: true }),
  reset: () => ((gokuai.mount = null), emu("POST", "/_emulator/reset")),
};

function pathOf(entry) {
  return String(entry.path || "").replace(/^\/?/, "/");
}

// assertStored checks the emulator holds a confirmed file at path with the bytes of f.
async function assertStored(f, fullPath) {
  const files = await emulator.files();
  const want = pathOf({ path: fullPath });
  const got = files.find((e) => pathOf(e) === want);
  assert.ok(got, `the emulator has no file ${want}; it has: ${files.map(pathOf).join(", ")}`);
  assert.equal(got.size, f.size, `size of ${want}`);
  assert.equal(got.sha256, f.sha256, `sha256 of ${want} (local ${f.name})`);
  return got;
}

async function shot(page, name, opts = {}) {
  const file = path.join(env.results, `${name}.png`);
  if (opts.element) await page.locator(opts.element).first().screenshot({ path: file, animations: "disabled" });
  else await page.screenshot({ path: file, fullPage: !!opts.fullPage, animations: "disabled" });
  return file;
}

// The element's file input (Playwright's CSS engine pierces open shadow roots).
function fileInput(page, sel = "ferry-uploader") {
  return page.locator(`${sel} input[type=file]:not([webkitdirectory])`).first();
}

// Waits until every listed task of the element is settled and drawn, returns their snapshots.
async function settle(page, opts = {}) {
  const sel = opts.selector || "ferry-uploader";
  const states = opts.states || ["done", "rapid", "failed", "canceled"];
  await page.waitForFunction(([sel, states, n]) => {
    const el = document.querySelector(sel);
    const tasks = el ? el.tasks : [];
    return tasks.length >= n && tasks.every((t) => states.includes(t.state));
  }, [sel, states, opts.count || 1], { timeout: opts.timeout || 60000, polling: 100 });
  await rendered(page, sel); // what the element shows of it, too
  return page.evaluate((sel) => document.querySelector(sel).tasks.map((t) => t.snapshot()), sel);
}

async function waitTask(page, predicate, arg, timeout = 60000) {
  await page.waitForFunction(predicate, arg, { timeout, polling: 50 });
}

// rendered waits until the element has drawn what it was last told (it renders rows in an
// animation frame: one frame more and that has run) and no transition is running in it.
async function rendered(page, sel = "ferry-uploader") {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.getAnimations()
    .every((a) => a.effect.getTiming().iterations === Infinity), sel, { polling: "raf", timeout: 10000 });
}

// until polls fn (which may be async) every 50 ms until it returns something truthy, and
// returns that; past the deadline it fails with what(), the state that was waited on.
async function until(fn, { timeout = 60000, what = () => "a condition" } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${await what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The engine's checkpoints as the page's origin stores them (IndexedDB "ferry", store
// "checkpoints", one JSON string per upload; see wasm/PROTOCOL.md): [{id, name, path, size,
// acknowledged}], acknowledged being the bytes of the parts the data plane took.
function checkpoints(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open("ferry");
    // No database yet: none is created here (the engine creates it with its store).
    let none = false;
    open.onupgradeneeded = () => { none = true; open.transaction.abort(); };
    open.onerror = () => (none ? resolve([]) : reject(open.error));
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("checkpoints")) { db.close(); resolve([]); return; }
      const all = db.transaction("checkpoints").objectStore("checkpoints").getAll();
      all.onerror = () => { db.close(); reject(all.error); };
      all.onsuccess = () => {
        db.close();
        resolve(all.result.map((json) => {
          const cp = JSON.parse(json);
          return { id: cp.id, name: cp.name, path: cp.path, size: cp.size, acknowledged: (cp.parts || []).reduce((n, p) => n + p.s, 0) };
        }));
      };
    };
  }));
}

// waitCheckpoint waits until the checkpoint of the upload of `name` records at least
// `acknowledged` bytes (the engine writes it as each part is acknowledged), and returns it.
async function waitCheckpoint(page, name, acknowledged = 1, timeout = 60000) {
  let seen = [];
  return until(async () => {
    seen = await checkpoints(page);
    return seen.find((cp) => cp.name === name && cp.acknowledged >= acknowledged);
  }, { timeout, what: () => `a checkpoint of ${name} with ${acknowledged} bytes acknowledged; stored: ${JSON.stringify(seen)}` });
}

// The Web Locks of the page's origin that own uploads ("ferry:<checkpoint id>"), held and
// asked for, whichever page or worker holds or asks.
async function uploadLocks(page) {
  const q = await page.evaluate(() => navigator.locks.query());
  const names = (list) => list.map((l) => l.name).filter((n) => n.startsWith("ferry:"));
  return { held: names(q.held), pending: names(q.pending) };
}

// holdParts lets the first `after` parts of every multipart upload through to the data
// plane and holds the later ones (unanswered), so an upload stays under way with a known
// number of parts acknowledged, however fast or slow the machine. release() sends the held
// parts on and lets the rest through. partSize: the upload's part size (Gokuai's parts are
// known by their byte range).
async function holdParts(context, after, { partSize } = {}) {
  const held = [];
  let holding = true;
  const pattern = dataPlane.pattern;
  const handler = (route) => {
    const req = route.request();
    if (holding && req.method() === "PUT" && dataPlane.part(req, partSize) > after) held.push(route);
    else route.continue().catch(() => {});
  };
  await context.route(pattern, handler);
  return {
    async release() {
      holding = false;
      await context.unroute(pattern, handler).catch(() => {});
      // Parts of a page that went away cannot be sent on: that is fine.
      await Promise.all(held.splice(0).map((r) => r.continue().catch(() => {})));
    },
  };
}

// runs fn with a browser; on failure it saves a screenshot named after the test.
async function withBrowser(t, fn, opts) {
  const b = await launch(opts);
  try {
    await fn(b);
    assert.deepEqual(b.problems.filter((p) => !(opts && opts.allow && opts.allow.test(p))), [], "errors on the page");
  } catch (e) {
    const name = `FAILED-${String(t.name).replace(/[^\w-]+/g, "_")}`;
    await shot(b.page, name, { fullPage: true }).catch(() => {});
    if (b.problems.length) e.message += `\npage problems:\n  ${b.problems.join("\n  ")}`;
    throw e;
  } finally {
    await b.close();
  }
}

module.exports = { env, MiB, checkProvider, dataPlane, home, launch, makeFile, makePNG, copyFile, emulator, assertStored, shot, fileInput, settle, waitTask, withBrowser, pathOf,
  rendered, until, checkpoints, waitCheckpoint, uploadLocks, holdParts };
