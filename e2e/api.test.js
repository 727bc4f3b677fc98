// window.Ferry (the JS API) on the API demo page, and on a page of one's own at another
// origin that loads ferry.js from the dev server as from a CDN.
"use strict";
const { test, describe, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const { env, MiB, makeFile, emulator, assertStored, shot, withBrowser } = require("./lib");

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

  test("a page of one's own on another origin, loading ferry.js from a CDN-like host", async (t) => {
    const f = makeFile("own-page.bin", 9 * MiB + 99);
    const port = Number(process.env.FERRY_E2E_OWN_PORT || 0);
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My page</title>
<script src="${env.url}/ferry.js" defer></script></head><body>
<h1>My own page</h1>
<ferry-uploader token-url="${env.url}/v1/token" path="/e2e-${run}/own/" multiple></ferry-uploader>
</body></html>`;
    const server = http.createServer((req, res) => { res.writeHead(200, { "Content-Type": "text/html" }); res.end(html); });
    await new Promise((r) => server.listen(port, "127.0.0.1", r));
    try {
      await withBrowser(t, async ({ page: p }) => {
        await p.goto(`http://127.0.0.1:${server.address().port}/`);
        assert.equal(await p.evaluate(() => window.Ferry.baseURL), `${env.url}/`);
        await p.locator("ferry-uploader input[type=file]:not([webkitdirectory])").first().setInputFiles(f.path);
        await p.waitForFunction(() => ["done", "failed"].includes(document.querySelector("ferry-uploader").tasks[0]?.state), null, { timeout: 60000 });
        const s = await p.evaluate(() => document.querySelector("ferry-uploader").tasks[0].snapshot());
        assert.equal(s.state, "done", JSON.stringify(s));
        await assertStored(f, s.path);
        await shot(p, "11-own-page-cross-origin", { fullPage: true });
      });
    } finally {
      server.close();
    }
  });
});
