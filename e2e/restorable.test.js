// Restorable uploads: no token call on a page view with nothing to restore; after a reload the
// "continue where you left off?" prompt lists the interrupted uploads at its first look (the
// replaced page's locks are waited for); Discard (and entry.forget()) forgets one without its
// file, deleting the server's upload task.
"use strict";
const { test, describe, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { env, MiB, makeFile, emulator, shot, fileInput, settle, waitTask, withBrowser, pathOf, until, waitCheckpoint, uploadLocks, holdParts } = require("./lib");

const run = Date.now().toString(36);

async function openUploadsUnder(dir) {
  return (await emulator.uploads()).filter((u) => pathOf(u).startsWith(dir));
}

describe("restorable uploads", () => {
  afterEach(() => emulator.faults({}));

  test("a page view with nothing to restore asks no token", async (t) => {
    await withBrowser(t, async ({ context, page: p }) => {
      // Counted as routed: a token call of the first look is counted before its answer, so
      // before the look ends.
      const tokenCalls = [];
      await context.route(`${env.url}/v1/token`, (r) => {
        if (r.request().method() === "POST") tokenCalls.push(r.request().url());
        r.continue().catch(() => {});
      });
      await p.goto(`${env.url}/?path=/e2e-${run}/notoken/`);
      // The element starts its engine when visible and looks for restorable uploads.
      await waitTask(p, () => { const el = document.querySelector("ferry-uploader"); return el && Array.isArray(el._restorable); });
      assert.deepEqual(tokenCalls, [], "no POST /v1/token to find nothing to restore");
      // The same count sees the token an upload needs.
      const f = makeFile("notoken.bin", 1000);
      await fileInput(p).setInputFiles(f.path);
      const [s] = await settle(p);
      assert.equal(s.state, "done", JSON.stringify(s));
      assert.ok(tokenCalls.length > 0, "an upload's token call is seen");
    });
  });

  test("a page that goes away while a new one starts: the new one lists its upload at its first look", async (t) => {
    const f = makeFile("going-away.bin", 16 * MiB + 3);
    const dir = `/e2e-${run}/going-away/`;
    await withBrowser(t, async ({ context, page: old }) => {
      // The old page's upload stays under way (parts past the second are held: the browser
      // ends with them), so it owns the upload until it goes away, however quickly the new
      // page starts.
      await holdParts(context, 2);
      await old.goto(`${env.url}/?path=${dir}&part-size=1MiB&concurrency=2`);
      await fileInput(old).setInputFiles(f.path);
      const cp = await waitCheckpoint(old, f.name, 2 * MiB);
      const lock = `ferry:${cp.id}`;
      assert.ok((await uploadLocks(old)).held.includes(lock), "the old page owns the upload");
      // The new page starts its engine while the old one still uploads; the old one goes
      // away once the new one's first look waits for the upload's lock, as a reload's old
      // page does.
      const p = await context.newPage();
      await p.goto(`${env.url}/?path=${dir}&part-size=1MiB&concurrency=2`);
      const looked = () => p.evaluate(() => Array.isArray(document.querySelector("ferry-uploader")._restorable));
      await until(async () => {
        if ((await uploadLocks(p)).pending.includes(lock)) return true;
        // A first look that ended unseen waiting called the upload busy (the engine waits for
        // a held lock only within its lock grace, 3 s after its start).
        assert.ok(!(await looked()), "the new page's first look waits for the lock the old page holds");
        return false;
      }, { what: () => `the new page's engine to ask for ${lock}` });
      await old.close();
      const prompt = p.locator("ferry-uploader .resume");
      await prompt.locator("li").first().waitFor({ timeout: 20000 });
      assert.match(await prompt.locator("li").first().innerText(), /going-away\.bin/);
    });
  });

  test("engine settings set after the element started its engine: the first look still lists the upload", async (t) => {
    const f = makeFile("late-settings.bin", 12 * MiB + 5);
    const dir = `/e2e-${run}/late-settings/`;
    await withBrowser(t, async ({ context, page: p }) => {
      await holdParts(context, 2);
      await p.goto(`${env.url}/?path=${dir}&part-size=1MiB&concurrency=2`);
      await fileInput(p).setInputFiles(f.path);
      await waitCheckpoint(p, f.name, 2 * MiB);
      // After the reload the page's script, which sets part-size and concurrency from the
      // query, runs only once the element has started its engine (as a slow script would).
      let engineStarted;
      const started = new Promise((resolve) => { engineStarted = resolve; });
      p.on("request", (r) => { if (r.url().endsWith("/ferry.wasm")) engineStarted(); });
      await context.route(`${env.url}/demo.js`, async (route) => { await started; await route.continue(); });
      p.on("dialog", (d) => d.accept());
      await p.reload({ waitUntil: "load" });
      const prompt = p.locator("ferry-uploader .resume");
      await prompt.locator("li").first().waitFor({ timeout: 20000 });
      assert.match(await prompt.locator("li").first().innerText(), /late-settings\.bin/);
    });
  });

  test("after a reload the prompt lists them at once; Discard forgets one, entry.forget() another", async (t) => {
    const a = makeFile("discard-a.bin", 12 * MiB + 1);
    const b = makeFile("discard-b.bin", 12 * MiB + 2);
    const dir = `/e2e-${run}/discard/`;
    const full = `/users/dev-user${dir}`;
    await withBrowser(t, async ({ context, page: p }) => {
      p.on("dialog", (d) => d.accept());
      // Both uploads stay under way until the reload, their first two parts acknowledged. A
      // slot for every part of both files: held parts of one never starve the other.
      await holdParts(context, 2);
      await p.goto(`${env.url}/?path=${dir}&part-size=1MiB&concurrency=32`);
      await fileInput(p).setInputFiles([a.path, b.path]);
      for (const f of [a, b]) await waitCheckpoint(p, f.name, 2 * MiB);
      await p.reload({ waitUntil: "load" });

      // The first look finds both (the element no longer looks twice).
      const prompt = p.locator("ferry-uploader .resume");
      await prompt.locator("li").nth(1).waitFor({ timeout: 20000 });
      assert.equal(await prompt.locator("li").count(), 2);
      assert.equal((await openUploadsUnder(full)).length, 2);

      // Discard the first: its server task goes, the prompt keeps the other, focus moves to it.
      await prompt.getByRole("button", { name: "Discard the interrupted upload of discard-a.bin" }).click();
      await waitTask(p, () => document.querySelectorAll("ferry-uploader").length &&
        document.querySelector("ferry-uploader").shadowRoot.querySelectorAll(".resume li").length === 1);
      assert.match(await prompt.locator("li").first().innerText(), /discard-b\.bin/);
      const focused = await p.evaluate(() => document.querySelector("ferry-uploader").shadowRoot.activeElement?.getAttribute("aria-label"));
      assert.match(String(focused), /discard-b\.bin/, "focus moves to the remaining entry");
      let open = await openUploadsUnder(full);
      assert.deepEqual(open.map(pathOf), [`${full}discard-b.bin`], "the discarded upload's server task is deleted");
      // Screen readers hear it.
      await waitTask(p, () => /discard-a\.bin was discarded/.test(document.querySelector("ferry-uploader").shadowRoot.querySelector("[aria-live]").textContent));

      // Simplified Chinese labels; axe finds nothing wrong with the prompt.
      await p.locator("ferry-uploader").evaluate((el) => el.setAttribute("locale", "zh-CN"));
      const zh = prompt.getByRole("button", { name: "放弃 discard-b.bin 的中断上传" });
      assert.equal((await zh.innerText()).trim(), "放弃");
      await shot(p, "30-resume-prompt-discard-zh", { element: "ferry-uploader" });
      await p.locator("ferry-uploader").evaluate((el) => el.setAttribute("locale", "en"));
      await p.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
      await p.emulateMedia({ reducedMotion: "reduce" });
      const axe = await p.evaluate(() => window.axe.run(document.querySelector("ferry-uploader"), { resultTypes: ["violations"] }));
      assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), []);

      // After another reload only the other is left; the JS API forgets it.
      await p.reload({ waitUntil: "load" });
      await prompt.locator("li").first().waitFor({ timeout: 20000 });
      assert.equal(await prompt.locator("li").count(), 1);
      const left = await p.evaluate(async () => {
        const c = document.querySelector("ferry-uploader").client;
        const list = await c.restorable();
        await list[0].forget();
        const again = await c.restorable();
        let code = "";
        try { await list[0].forget(); } catch (e) { code = e.code; }
        return { name: list[0].name, after: again.length, code };
      });
      assert.deepEqual(left, { name: "discard-b.bin", after: 0, code: "NotFound" });
      open = await openUploadsUnder(full);
      assert.deepEqual(open, [], "no server task left");
    });
  });
});
