// The restore prompt follows its entries after its first look: an entry resumed through the JS
// API (the element's own client or another client of the page) leaves it while it uploads and
// stays gone once done; one whose resume is refused comes back; entry.forget() takes one away;
// the same file picked again in the element takes its entry. (Found by the WebKit tier: the
// prompt still listed an upload at 24 % after the JS API had finished it.)
"use strict";
const { test, describe, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const { env, MiB, makeFile, emulator, withBrowser, until, holdParts, fileInput, rendered, assertStored, waitCheckpoint } = require("./lib");

const run = Date.now().toString(36);

// The names the restore prompt lists, as drawn ([] while it is hidden).
function promptNames(p) {
  return p.evaluate(() => {
    const box = document.querySelector("ferry-uploader").shadowRoot.querySelector(".resume");
    return box.hidden ? [] : Array.from(box.querySelectorAll("li .what")).map((w) => w.textContent.split(" · ")[0]);
  });
}

async function waitPrompt(p, want, when) {
  await until(async () => JSON.stringify(await promptNames(p)) === JSON.stringify(want), {
    timeout: 20000,
    what: async () => `the prompt to list ${JSON.stringify(want)} ${when}; it lists ${JSON.stringify(await promptNames(p))}`,
  });
}

// Waits until the task the page keeps in window.__task is in one of the states; returns its snapshot.
async function waitTaskState(p, states) {
  return until(() => p.evaluate((states) => states.includes(window.__task.state) && window.__task.snapshot(), states), {
    timeout: 120000,
    what: () => p.evaluate((states) => `the resumed task to be ${states.join(" or ")}: ${JSON.stringify(window.__task.snapshot())}`, states),
  });
}

const SETTLED = ["done", "rapid", "failed", "canceled"];

// An upload interrupted by a reload, its first part acknowledged; the prompt lists it. Parts past
// the first stay held (a resumed upload stays under way) until the returned hold is released.
async function interrupted(context, p, f, dir) {
  p.on("dialog", (d) => d.accept());
  const hold = await holdParts(context, 1);
  await p.goto(`${env.url}/?path=${dir}&part-size=1MiB&quick-upload=off`);
  await fileInput(p).setInputFiles(f.path);
  await waitCheckpoint(p, f.name, MiB);
  await p.reload({ waitUntil: "load" });
  await waitPrompt(p, [f.name], "after the reload");
  return hold;
}

// The file picked again, into an input of the page's own.
async function pickOnPage(p, f) {
  await p.evaluate(() => document.body.append(Object.assign(document.createElement("input"), { type: "file", id: "resume-source" })));
  await p.locator("#resume-source").setInputFiles(f.path);
}

describe("the restore prompt follows its entries", () => {
  afterEach(() => emulator.faults({}));

  test("a JS API resume on the element's client: the entry leaves the prompt while it uploads and stays gone once done", async (t) => {
    const f = makeFile("prompt-el-client.bin", 4 * MiB + 5);
    await withBrowser(t, async ({ context, page: p }) => {
      const hold = await interrupted(context, p, f, `/e2e-${run}/prompt-el-client/`);
      await pickOnPage(p, f);
      await p.evaluate(async (name) => {
        const entry = (await document.querySelector("ferry-uploader").client.restorable()).find((e) => e.name === name);
        window.__task = entry.resume(document.getElementById("resume-source").files[0]);
      }, f.name);
      await waitTaskState(p, ["uploading"]);
      await waitPrompt(p, [], "while the JS API's resume uploads");
      await hold.release();
      const snap = await waitTaskState(p, SETTLED);
      assert.equal(snap.state, "done", JSON.stringify(snap));
      await assertStored(f, snap.path);
      await rendered(p);
      assert.deepEqual(await promptNames(p), [], "the prompt lists the finished upload");
    });
  });

  test("a resume by another client of the page: the entry leaves the prompt and stays gone once done", async (t) => {
    const f = makeFile("prompt-page-client.bin", 4 * MiB + 6);
    await withBrowser(t, async ({ context, page: p }) => {
      const hold = await interrupted(context, p, f, `/e2e-${run}/prompt-page-client/`);
      await pickOnPage(p, f);
      await p.evaluate(async (name) => {
        const c = await Ferry.create({ tokenUrl: "/v1/token", partSize: 1 << 20, quickUpload: false });
        const entry = (await c.restorable()).find((e) => e.name === name);
        window.__task = entry.resume(document.getElementById("resume-source").files[0]);
      }, f.name);
      await waitTaskState(p, ["uploading"]);
      await waitPrompt(p, [], "while the page's own client resumes it");
      await hold.release();
      const snap = await waitTaskState(p, SETTLED);
      assert.equal(snap.state, "done", JSON.stringify(snap));
      await assertStored(f, snap.path);
      await rendered(p);
      assert.deepEqual(await promptNames(p), [], "the prompt lists the finished upload");
    });
  });

  test("a JS API resume refused (another file) gives the entry back; entry.forget() takes it away", async (t) => {
    const f = makeFile("prompt-refused.bin", 3 * MiB + 7);
    await withBrowser(t, async ({ context, page: p }) => {
      const hold = await interrupted(context, p, f, `/e2e-${run}/prompt-refused/`);
      // Every listing the prompt draws from now on.
      await p.evaluate(() => {
        const box = document.querySelector("ferry-uploader").shadowRoot.querySelector(".resume");
        window.__listings = [];
        new MutationObserver(() => {
          window.__listings.push(box.hidden ? [] : Array.from(box.querySelectorAll("li .what")).map((w) => w.textContent.split(" · ")[0]));
        }).observe(box, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });
      });
      const code = await p.evaluate(async (name) => {
        const entry = (await document.querySelector("ferry-uploader").client.restorable()).find((e) => e.name === name);
        window.__task = entry.resume(new File([new Uint8Array(1000)], name)); // same name, not the same file
        return window.__task.done.then(() => "done", (e) => e.code);
      }, f.name);
      assert.equal(code, "FileChanged");
      await waitPrompt(p, [f.name], "after the refused resume");
      const listings = await p.evaluate(() => window.__listings);
      assert.ok(listings.some((l) => l.length === 0), `the entry left the prompt while it was being resumed: ${JSON.stringify(listings)}`);
      await p.evaluate(async (name) => {
        const entry = (await document.querySelector("ferry-uploader").client.restorable()).find((e) => e.name === name);
        await entry.forget();
      }, f.name);
      await waitPrompt(p, [], "after entry.forget()");
      await hold.release();
    });
  });

  test("the same file picked again in the element: its entry leaves the prompt", async (t) => {
    const f = makeFile("prompt-picked-again.bin", 4 * MiB + 8);
    await withBrowser(t, async ({ context, page: p }) => {
      const hold = await interrupted(context, p, f, `/e2e-${run}/prompt-picked-again/`);
      await fileInput(p).setInputFiles(f.path);
      await p.evaluate(() => { window.__task = document.querySelector("ferry-uploader").tasks[0]; });
      await waitTaskState(p, ["uploading"]);
      await waitPrompt(p, [], "while the row uploads the same file");
      await hold.release();
      const snap = await waitTaskState(p, SETTLED);
      assert.equal(snap.state, "done", JSON.stringify(snap));
      await assertStored(f, snap.path);
      await rendered(p);
      assert.deepEqual(await promptNames(p), [], "the prompt lists the finished upload");
    });
  });
});
