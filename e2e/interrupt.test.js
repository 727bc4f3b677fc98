// Interruptions: a page reload mid-upload then resume; token and signature expiry mid-upload;
// a quick-upload hit shown as instant; a large file picked from disk.
"use strict";
const { test, describe, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { env, MiB, makeFile, emulator, assertStored, shot, fileInput, settle, waitTask, withBrowser, pathOf, waitCheckpoint, holdParts } = require("./lib");

const run = Date.now().toString(36);

async function bytesReceivedFor(fullPath) {
  const stats = await emulator.stats();
  const by = (stats.dataPlane && stats.dataPlane.byUpload) || {};
  return Object.values(by).filter((u) => pathOf(u) === fullPath).reduce((n, u) => n + u.bytesReceived, 0);
}

// pick clicks a button that opens the file chooser, and returns the chooser (lib.js's
// launch intercepts choosers from the start).
async function pick(p, button) {
  const choosing = p.waitForEvent("filechooser");
  await button.click();
  return choosing;
}

describe("interruptions", () => {
  afterEach(() => emulator.faults({}));

  test("reload mid-upload, then resume from the prompt: byte-identical, nothing sent twice in full", async (t) => {
    const f = makeFile("reload-me.bin", 40 * MiB + 321);
    const q = `?path=/e2e-${run}/reload/&part-size=1MiB&concurrency=2`;
    await withBrowser(t, async ({ context, page: p }) => {
      // The upload stays under way until the reload, 16 of its 41 parts acknowledged.
      const hold = await holdParts(context, 16);
      await p.goto(`${env.url}/${q}`);
      await fileInput(p).setInputFiles(f.path);
      await waitCheckpoint(p, f.name, 16 * MiB);
      const before = await p.evaluate(() => document.querySelector("ferry-uploader").tasks[0].snapshot());
      await shot(p, "20-reload-before", { element: "ferry-uploader" });

      // Leaving asks first while uploads run (Chromium asks only after a user gesture).
      await p.locator("h1").click();
      let asked = false;
      p.once("dialog", (d) => { asked = d.type() === "beforeunload"; d.accept(); });
      await p.reload({ waitUntil: "load" });
      assert.ok(asked, "a beforeunload prompt while uploading");

      // After the reload: the prompt to resume, with the progress kept.
      const prompt = p.locator("ferry-uploader .resume");
      await prompt.waitFor({ timeout: 20000 });
      const entryText = await prompt.locator("li").first().innerText();
      assert.match(entryText, /reload-me\.bin · 42 MB · [1-9]\d% done/);
      await shot(p, "21-reload-resume-prompt", { element: "ferry-uploader" });
      // The prompt passes axe-core too.
      await p.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
      await p.emulateMedia({ reducedMotion: "reduce" });
      const axe = await p.evaluate(() => window.axe.run(document.querySelector("ferry-uploader"), { resultTypes: ["violations"] }));
      assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);

      // A different file with the same name is refused (FileChanged), in plain words.
      const impostorDir = path.join(env.files, "impostor");
      fs.mkdirSync(impostorDir, { recursive: true });
      const impostor = path.join(impostorDir, "reload-me.bin");
      fs.writeFileSync(impostor, Buffer.alloc(1000, 7));
      let chooser = await pick(p, prompt.getByRole("button", { name: /Choose reload-me\.bin/ }));
      await chooser.setFiles(impostor);
      await p.locator("ferry-uploader .resume .why.err").waitFor({ timeout: 20000 });
      assert.match(await p.locator("ferry-uploader .resume .why.err").innerText(), /isn't the same file/);
      // No later look at the restorable uploads lists it twice (nothing is to happen, so there
      // is no event to wait for: the element used to look again 2.5 s after its first look).
      await p.waitForTimeout(3000);
      assert.equal(await prompt.locator("li").count(), 1, "the entry is listed once");
      await shot(p, "22-reload-file-changed", { element: "ferry-uploader" });

      // The real file continues where it stopped.
      await hold.release();
      chooser = await pick(p, prompt.getByRole("button", { name: /Choose reload-me\.bin/ }));
      await chooser.setFiles(f.path);
      const [s] = await settle(p, { timeout: 90000 });
      assert.equal(s.state, "done", JSON.stringify(s));
      assert.equal(s.path, before.path);
      await assertStored(f, s.path);
      const sent = await bytesReceivedFor(s.path);
      assert.ok(sent < f.size * 1.6, `resumed rather than restarted: ${sent} bytes received for ${f.size}`);
      assert.ok(await prompt.isHidden(), "the prompt is gone once nothing is left to resume");
    });
  });

  test("token and signature expiry mid-upload: the upload still completes", async (t) => {
    const f = makeFile("expire-me.bin", 24 * MiB + 1);
    await emulator.faults({ latency: "80ms" });
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(`${env.url}/?path=/e2e-${run}/expire/&part-size=1MiB&concurrency=2`);
      await fileInput(p).setInputFiles(f.path);
      await waitTask(p, () => { const t = document.querySelector("ferry-uploader").tasks[0]; return t && t.state === "uploading" && t.snapshot().fraction > 0.2; });
      await emulator.expire({ tokens: true, uploads: true });
      await waitTask(p, () => document.querySelector("ferry-uploader").tasks[0].snapshot().fraction > 0.6);
      await emulator.expire({ tokens: true, uploads: true });
      await emulator.faults({});
      const [s] = await settle(p, { timeout: 90000 });
      assert.equal(s.state, "done", JSON.stringify(s));
      await assertStored(f, s.path);
    });
  });

  test("a quick-upload hit shows as instant", async (t) => {
    // Brokered: the function completes from the hash. Direct: a role that may confirm itself.
    const base = env.mode === "brokered" ? env.url : env.direct;
    assert.ok(base, "direct mode needs FERRY_E2E_DIRECT_URL (a role that may confirm directly)");
    const f = makeFile("quick.bin", 3 * MiB + 17, `quick-${run}-${env.mode}`); // new bytes each run
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(`${base}/?path=/e2e-${run}/quick/`);
      await fileInput(p).setInputFiles(f.path);
      const [a] = await settle(p);
      assert.equal(a.state, "done");
      // The same bytes under another name: the library has them, so no bytes are sent.
      const copy = path.join(env.files, "quick-again.bin");
      fs.copyFileSync(f.path, copy);
      await fileInput(p).setInputFiles(copy);
      const snaps = await settle(p, { count: 2 });
      assert.equal(snaps[1].state, "rapid", JSON.stringify(snaps[1]));
      const row = p.locator("ferry-uploader .item[data-state=rapid]");
      assert.match(await row.locator(".status").innerText(), /Uploaded instantly/);
      assert.equal(await row.locator(".badge").innerText(), "Instant");
      await assertStored(Object.assign({}, f, { name: "quick-again.bin" }), snaps[1].path);
      await shot(p, "23-quick-upload-instant", { element: "ferry-uploader" });
    });
  });

  test("a large file picked from disk", async (t) => {
    const size = Number(process.env.FERRY_E2E_LARGE_MIB || 320) * MiB + 4321;
    const f = makeFile("large.bin", size);
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(`${env.url}/?path=/e2e-${run}/large/`);
      const start = Date.now();
      await fileInput(p).setInputFiles(f.path);
      await waitTask(p, () => { const t = document.querySelector("ferry-uploader").tasks[0]; return t && t.snapshot().fraction > 0.3; }, null, 120000);
      await shot(p, "24-large-mid-upload", { element: "ferry-uploader" });
      // Progress never moves backwards.
      const fractions = await p.evaluate(() => new Promise((resolve) => {
        const seen = [];
        const el = document.querySelector("ferry-uploader");
        const on = (e) => seen.push(e.detail.fraction);
        el.addEventListener("ferry-progress", on);
        el.addEventListener("ferry-complete", () => { el.removeEventListener("ferry-progress", on); resolve(seen); }, { once: true });
        if (["done", "failed"].includes(el.tasks[0].state)) resolve(seen);
      }));
      for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1], `fraction went back: ${fractions[i - 1]} → ${fractions[i]}`);
      const [s] = await settle(p, { timeout: 180000 });
      const secs = (Date.now() - start) / 1000;
      assert.equal(s.state, "done", JSON.stringify(s));
      await assertStored(f, s.path);
      t.diagnostic(`${(size / MiB).toFixed(0)} MiB in ${secs.toFixed(1)} s (${(size / MiB / secs).toFixed(0)} MiB/s)`);
    });
  });
});
