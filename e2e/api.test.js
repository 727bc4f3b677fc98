// window.Ferry (the JS API) on the API demo page, and on a page of one's own at another
// origin that loads ferry.js from the dev server as from a CDN.
"use strict";
const { test, describe, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const { env, MiB, makeFile, emulator, assertStored, shot, withBrowser, waitCheckpoint, holdParts } = require("./lib");

const run = Date.now().toString(36);

describe("window.Ferry", () => {
  afterEach(() => emulator.faults({}));

  test("client.upload: edge sizes, byte-identical, with the result of task.done", async (t) => {
    const sizes = [0, 1, MiB - 1, MiB, MiB + 1, 8 * MiB - 1, 8 * MiB + 1, 17 * MiB + 3];
    const files = sizes.map((n) => makeFile(`api-${n}.bin`, n));
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(`${env.url}/api.html`);
      await p.waitForFunction(() => document.getElementById("status").textContent === "Ready.");
      await p.locator("#folder").fill(`/e2e-${run}/api/`);
      await p.setInputFiles("#files", files.map((f) => f.path));
      await p.locator("#send").click();
      const results = await p.evaluate(async () => Promise.all(window.demo.tasks.map((task) =>
        task.done.then((info) => ({ info, snap: task.snapshot() }), (e) => ({ error: e.code + ": " + e.message, snap: task.snapshot() })))));
      await shot(p, "10-api-demo", { fullPage: true });
      const stored = await emulator.files();
      for (const f of files) {
        const r = results.find((x) => x.snap.name === f.name);
        assert.ok(r && r.info, `${f.name}: ${JSON.stringify(r)}`);
        const { info, snap } = r;
        assert.equal(snap.state, "done");
        assert.equal(info.name, f.name);
        assert.equal(info.size, f.size);
        assert.equal(info.rapid, false);
        assert.equal(info.path, `/users/dev-user/e2e-${run}/api/${f.name}`);
        assert.equal(typeof info.crc64, "string");
        assert.match(info.crc64, /^\d+$/, "crc64 is a decimal string");
        assert.equal(typeof info.eTag, "string");
        const got = await assertStored(f, info.path);
        if (got.crc64 !== undefined) assert.equal(String(got.crc64), info.crc64, "the same CRC-64 as the library's");
      }
      // Snapshots have the shape of the contract.
      const snap = results[0].snap;
      for (const k of ["id", "name", "path", "size", "state", "loaded", "fraction", "bytesPerSecond", "etaSeconds"]) assert.ok(k in snap, `snapshot has ${k}`);
      assert.ok(stored.length >= files.length);
    });
  });

  test("conflict=rename gives the final path in task.done", async (t) => {
    const f = makeFile("twice.bin", 3000);
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(`${env.url}/api.html`);
      await p.waitForFunction(() => window.demo.client);
      await p.setInputFiles("#files", f.path);
      await p.locator("#folder").fill(`/e2e-${run}/rename/`);
      const paths = await p.evaluate(async () => {
        const file = document.getElementById("files").files[0];
        const c = window.demo.client;
        const a = await c.upload(file, { path: "/e2e-rename/twice.bin".replace("/e2e-rename/", document.getElementById("folder").value), conflict: "rename" }).done;
        const b = await c.upload(file, { path: "/e2e-rename/twice.bin".replace("/e2e-rename/", document.getElementById("folder").value), conflict: "rename" }).done;
        return [a.path, b.path];
      });
      assert.equal(paths[0], `/users/dev-user/e2e-${run}/rename/twice.bin`);
      assert.notEqual(paths[1], paths[0]);
      assert.match(paths[1], new RegExp(`^/users/dev-user/e2e-${run}/rename/twice.*\\.bin$`));
      await assertStored(f, paths[1]);
    });
  });

  test("restorable() after a reload, resume with the same file, then signOut()", async (t) => {
    const f = makeFile("api-reload.bin", 30 * MiB + 9);
    await withBrowser(t, async ({ context, page: p }) => {
      // The upload stays under way until the reload, 8 of its 31 parts acknowledged.
      const hold = await holdParts(context, 8);
      await p.goto(`${env.url}/api.html`);
      await p.waitForFunction(() => window.demo.client);
      const path = await p.evaluate(async (folder) => {
        const c = await Ferry.create({ tokenUrl: "/v1/token", partSize: 1 << 20, concurrency: 2 });
        window.slow = c;
        return folder;
      }, `/e2e-${run}/api-reload/`);
      await p.setInputFiles("#files", f.path);
      await p.evaluate((path) => {
        const task = window.slow.upload(document.getElementById("files").files[0], { path: path + "api-reload.bin" });
        window.slowTask = task;
      }, path);
      await waitCheckpoint(p, "api-reload.bin", 8 * MiB);
      await p.reload();
      await p.waitForFunction(() => window.demo.client);
      const list = await p.evaluate(() => window.demo.client.restorable().then((l) => l.map((e) => ({ ...e }))));
      const entry = list.find((e) => e.name === "api-reload.bin");
      assert.ok(entry, `restorable lists the upload: ${JSON.stringify(list)}`);
      assert.equal(entry.size, f.size);
      assert.equal(entry.path, `/users/dev-user/e2e-${run}/api-reload/api-reload.bin`);
      assert.ok(entry.fraction > 0.1 && entry.fraction < 1, `fraction kept: ${entry.fraction}`);
      for (const k of ["id", "lastModified"]) assert.ok(k in entry, `entry has ${k}`);
      // The demo lists it; "Pick file…" resumes it.
      await hold.release();
      await p.locator("#restorable button").first().waitFor();
      const choosing = p.waitForEvent("filechooser");
      await p.locator("#restorable button").first().click();
      await (await choosing).setFiles(f.path);
      const info = await p.evaluate(() => window.demo.tasks[window.demo.tasks.length - 1].done);
      assert.equal(info.path, entry.path);
      await assertStored(f, info.path);
      assert.deepEqual(await p.evaluate(() => window.demo.client.restorable().then((l) => l.length)), 0);
      // signOut resolves; afterwards nothing is restorable.
      await p.locator("#signout").click();
      await p.waitForFunction(() => /Signed out/.test(document.getElementById("status").textContent));
    });
  });

  describe("a page of one's own on another origin", () => {
    // A little static host: "/" is a page that loads ferry.js from the dev server as from a
    // CDN; "/plain/" is a page that loads Ferry from this host, which sends ferry.wasm as
    // application/octet-stream (no streaming compile: the fallback must work).
    const fs = require("node:fs");
    const path = require("node:path");
    let server, origin;
    const page = (src, tokenURL, extra) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My page</title>
<link rel="icon" href="data:,"><script src="${src}" defer></script></head><body>
<h1>My own page</h1>${extra || ""}
<ferry-uploader token-url="${tokenURL}" path="/e2e-${run}/own/" multiple></ferry-uploader>
</body></html>`;
    const before = () => new Promise((resolve) => {
      server = http.createServer((req, res) => {
        const u = new URL(req.url, "http://x");
        if (u.pathname === "/") return res.writeHead(200, { "Content-Type": "text/html" }), res.end(page(`${env.url}/ferry.js`, `${env.url}/v1/token`));
        if (u.pathname === "/below") return res.writeHead(200, { "Content-Type": "text/html" }), res.end(page(`${env.url}/ferry.js`, `${env.url}/v1/token`, '<div style="height:3000px">Scroll down</div>'));
        if (u.pathname === "/plain/") return res.writeHead(200, { "Content-Type": "text/html" }), res.end(page("static/ferry.js", `${env.url}/v1/token`));
        const m = /^\/plain\/static\/(ferry\.js|worker\.js|wasm_exec\.js|ferry\.wasm)$/.exec(u.pathname);
        if (!m) return res.writeHead(404), res.end();
        const type = m[1].endsWith(".wasm") ? "application/octet-stream" : "text/javascript";
        res.writeHead(200, { "Content-Type": type });
        fs.createReadStream(path.join(process.env.FERRY_E2E_WEB || path.join(__dirname, "..", "web"), m[1])).pipe(res);
      });
      server.listen(Number(process.env.FERRY_E2E_OWN_PORT || 0), "127.0.0.1", () => {
        origin = `http://127.0.0.1:${server.address().port}`;
        resolve();
      });
    });
    const upload = async (p, f) => {
      await p.locator("ferry-uploader input[type=file]:not([webkitdirectory])").first().setInputFiles(f.path);
      await p.waitForFunction(() => ["done", "failed"].includes(document.querySelector("ferry-uploader").tasks[0]?.state), null, { timeout: 60000 });
      const s = await p.evaluate(() => document.querySelector("ferry-uploader").tasks[0].snapshot());
      assert.equal(s.state, "done", JSON.stringify(s));
      await assertStored(f, s.path);
    };

    test("loads ferry.js, the worker and the wasm from a CDN-like origin and uploads", async (t) => {
      await before();
      try {
        const f = makeFile("own-page.bin", 9 * MiB + 99);
        await withBrowser(t, async ({ page: p }) => {
          await p.goto(`${origin}/`);
          assert.equal(await p.evaluate(() => window.Ferry.baseURL), `${env.url}/`);
          await upload(p, f);
          await shot(p, "11-own-page-cross-origin", { fullPage: true });
        });
      } finally {
        server.close();
      }
    });

    test("fetches the wasm only once the element is visible", async (t) => {
      await before();
      try {
        await withBrowser(t, async ({ page: p }) => {
          const wasm = [];
          p.on("request", (r) => { if (r.url().endsWith("/ferry.wasm")) wasm.push(r.url()); });
          await p.goto(`${origin}/below`);
          // The element decides at its IntersectionObserver's first callback; an observer made
          // after it is called back after it (same rendering step, in the order they were made).
          const started = await p.evaluate(() => new Promise((resolve) => {
            const el = document.querySelector("ferry-uploader");
            const io = new IntersectionObserver(() => { io.disconnect(); resolve(!!el._client); });
            io.observe(el);
          }));
          assert.equal(started, false, "no engine while the element is out of sight");
          assert.deepEqual(wasm, [], "no wasm while the element is out of sight");
          const fetching = p.waitForRequest((r) => r.url().endsWith("/ferry.wasm"));
          await p.locator("ferry-uploader").scrollIntoViewIfNeeded();
          await fetching;
          assert.equal(wasm.length, 1, "the wasm is fetched once it is visible");
        });
      } finally {
        server.close();
      }
    });

    test("a host that sends ferry.wasm without application/wasm still works", async (t) => {
      await before();
      try {
        const f = makeFile("own-plain.bin", 2 * MiB + 1);
        await withBrowser(t, async ({ page: p }) => {
          await p.goto(`${origin}/plain/`);
          await upload(p, f);
        });
      } finally {
        server.close();
      }
    });
  });
});
