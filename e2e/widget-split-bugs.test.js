// Widget bugs found while splitting web/ferry.js into web/src/ (Chromium): plurals of the
// summary and of added locales, getHeaders answered after the client closed, paused or failed
// rows left with a closed client by a settings change, finished tasks kept by the engine.
"use strict";
const { test, describe, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const { env, MiB, makeFile, emulator, withBrowser, until, holdParts, fileInput, rendered, assertStored, waitTask, waitCheckpoint } = require("./lib");

const run = Date.now().toString(36);

// The summary's first line, as drawn.
function summaryLine(p) {
  return p.evaluate(() => document.querySelector("ferry-uploader").shadowRoot.querySelector(".summary .text").firstChild.textContent);
}

// Waits until the element's tasks are in the given states (as a multiset) and drawn.
async function waitStates(p, want) {
  await p.waitForFunction((want) => {
    const got = document.querySelector("ferry-uploader").tasks.map((t) => t.state).sort();
    return JSON.stringify(got) === JSON.stringify([...want].sort());
  }, want, { timeout: 60000, polling: 50 });
  await rendered(p);
}

describe("widget bugs found in the split", () => {
  afterEach(() => emulator.faults({}));

  test("1 of 3 files uploading: the summary says 'Uploading 1 file', paused counts the total", async (t) => {
    const small1 = makeFile("plural-a.bin", 100 * 1024);
    const small2 = makeFile("plural-b.bin", 120 * 1024);
    const big = makeFile("plural-big.bin", 3 * MiB + 5);
    await withBrowser(t, async ({ context, page: p }) => {
      // The small files are one part each and go through; the big one stays uploading.
      const hold = await holdParts(context, 1);
      await p.goto(`${env.url}/?path=/e2e-${run}/plural/&part-size=1MiB&quick-upload=off`);
      await fileInput(p).setInputFiles([small1.path, small2.path, big.path]);
      await waitStates(p, ["done", "done", "uploading"]);
      assert.equal(await summaryLine(p), "Uploading 1 file");
      // The progress announcement counts the same n (its text, as the announcer gets it).
      assert.equal(await p.evaluate(() => document.querySelector("ferry-uploader").t("announceProgress", { percent: 40, n: 1 })),
        "40% uploaded, 1 file in progress");
      // "Paused: {n} of {total} files" counts the files in total: 1 paused of 3 is plural.
      await p.evaluate(() => document.querySelector("ferry-uploader").pauseAll());
      await waitStates(p, ["done", "done", "paused"]);
      assert.equal(await summaryLine(p), "Paused: 1 of 3 files");
      await hold.release();
    });
  });

  test("a locale added without a singular shows its own text for 1, never English", async (t) => {
    const f = makeFile("plural-locale.bin", 3 * MiB + 9);
    await withBrowser(t, async ({ context, page: p }) => {
      const hold = await holdParts(context, 1);
      await p.goto(`${env.url}/?path=/e2e-${run}/plural-locale/&part-size=1MiB&quick-upload=off`);
      await p.evaluate(() => {
        Ferry.addLocale("de", { summaryActive: "Lade {n} Dateien hoch" });
        document.querySelector("ferry-uploader").setAttribute("locale", "de");
      });
      await fileInput(p).setInputFiles(f.path);
      await waitStates(p, ["uploading"]);
      assert.equal(await summaryLine(p), "Lade 1 Dateien hoch", "the page's text, not the English singular");
      // A message the locale leaves out is English, with English's singular.
      assert.equal(await p.evaluate(() => document.querySelector("ferry-uploader").t("hintCount", { n: 1 })), "One file at most");
      await hold.release();
    });
  });

  test("a locale added without a singular: the restore prompt for one upload is in that locale", async (t) => {
    const f = makeFile("plural-restore.bin", 4 * MiB + 3);
    await withBrowser(t, async ({ context, page: p }) => {
      p.on("dialog", (d) => d.accept());
      const hold = await holdParts(context, 1);
      await p.goto(`${env.url}/?path=/e2e-${run}/plural-restore/&part-size=1MiB&quick-upload=off`);
      await fileInput(p).setInputFiles(f.path);
      await waitCheckpoint(p, f.name, MiB);
      await p.reload({ waitUntil: "load" });
      await hold.release();
      await p.evaluate(() => {
        Ferry.addLocale("de", { resumeIntro: "{n} Uploads wurden unterbrochen." });
        document.querySelector("ferry-uploader").setAttribute("locale", "de");
      });
      const intro = p.locator("ferry-uploader .resume p").first();
      await intro.waitFor({ timeout: 60000 });
      assert.equal(await intro.innerText(), "1 Uploads wurden unterbrochen.", "the page's text, not the English singular");
    });
  });

  // getHeaders held open by the page; the engine's answerHeaders watched until it settles.
  async function heldHeaders(p) {
    await p.goto(`${env.url}/api.html`);
    await p.evaluate(async () => {
      let open;
      const gate = new Promise((r) => { open = r; });
      window.__open = () => open({ "X-Test": "1" });
      window.__asked = 0;
      const c = await Ferry.create({ tokenUrl: "/v1/token", getHeaders: () => { window.__asked++; return gate; } });
      const eng = c._engine;
      const answer = eng.answerHeaders;
      window.__answers = [];
      eng.answerHeaders = function (msg) {
        const r = answer.call(this, msg);
        r.then(() => window.__answers.push("ok"), (e) => window.__answers.push(`rejected: ${e && e.message}`));
        return r;
      };
      window.__client = c;
    });
    await p.evaluate((dir) => {
      window.__client.upload(new File([new Uint8Array(64 * 1024)], "h.bin"), { path: `${dir}h.bin` });
    }, `/e2e-${run}/headers/`);
    await until(() => p.evaluate(() => window.__asked >= 1), { what: () => "the worker to ask for headers" });
  }

  test("getHeaders answered after the client closed: no error", async (t) => {
    await withBrowser(t, async ({ page: p }) => {
      await heldHeaders(p);
      await p.evaluate(() => { window.__client.close(); window.__open(); });
      await until(() => p.evaluate(() => window.__answers.length >= 1), { what: () => "answerHeaders to settle" });
      assert.deepEqual(await p.evaluate(() => window.__answers), ["ok"]);
    });
  });

  test("getHeaders answered after the client started again: the new worker gets no stale answer", async (t) => {
    await withBrowser(t, async ({ page: p }) => {
      // Each worker's questions (headers ids it asked) and the answers posted to it.
      await p.addInitScript(() => {
        const W = window.Worker;
        window.__workers = [];
        window.Worker = class extends W {
          constructor(...a) {
            super(...a);
            const log = { asked: [], answered: [] };
            window.__workers.push(log);
            this.__log = log;
            this.addEventListener("message", (e) => { if (e.data && e.data.type === "headers") log.asked.push(e.data.id); });
          }
          postMessage(msg, ...rest) {
            if (msg && msg.type === "headers") this.__log.answered.push({ id: msg.id, askedBefore: this.__log.asked.includes(msg.id) });
            return super.postMessage(msg, ...rest);
          }
        };
      });
      await heldHeaders(p);
      await p.evaluate(async () => {
        window.__client.close();
        await window.__client.ready();
        window.__open();
      });
      await until(() => p.evaluate(() => window.__answers.length >= 1), { what: () => "answerHeaders to settle" });
      assert.deepEqual(await p.evaluate(() => window.__answers), ["ok"]);
      // (api.html's own client has a worker too: every worker is checked.)
      const workers = await p.evaluate(() => window.__workers);
      assert.deepEqual(workers.flatMap((w) => w.answered.filter((a) => !a.askedBefore)), [],
        `a worker got answers to questions it never asked: ${JSON.stringify(workers)}`);
    });
  });

  test("a setting changed while a row is paused: Resume continues it; the setting applies to the next upload", async (t) => {
    const f = makeFile("settings-paused.bin", 3 * MiB + 11);
    const g = makeFile("settings-next.bin", 50 * 1024);
    const dir = `/e2e-${run}/settings-paused/`;
    await withBrowser(t, async ({ context, page: p }) => {
      const hold = await holdParts(context, 1);
      await p.goto(`${env.url}/?path=${dir}&part-size=1MiB&quick-upload=off`);
      await fileInput(p).setInputFiles(f.path);
      await waitStates(p, ["uploading"]);
      await p.evaluate(() => document.querySelector("ferry-uploader").pauseAll());
      await waitStates(p, ["paused"]);
      await hold.release();
      await p.evaluate(() => document.querySelector("ferry-uploader").setAttribute("concurrency", "2"));
      await p.locator("ferry-uploader [data-action=resume]").click();
      await waitTask(p, () => ["done", "rapid", "failed", "canceled"].includes(document.querySelector("ferry-uploader").tasks[0].state));
      const snap = await p.evaluate(() => document.querySelector("ferry-uploader").tasks[0].snapshot());
      assert.equal(snap.state, "done", `resumed after the settings change: ${JSON.stringify(snap)}`);
      await assertStored(f, snap.path);
      // Nothing left to resume or retry: the next upload has a client of the new settings.
      await fileInput(p).setInputFiles(g.path);
      await waitStates(p, ["done", "done"]);
      assert.equal(await p.evaluate(() => document.querySelector("ferry-uploader")._client._engine.config.concurrency), 2);
    });
  });

  test("a setting changed while a row has failed: Retry uploads it", async (t) => {
    const f = makeFile("settings-failed.bin", 200 * 1024);
    const dir = `/e2e-${run}/settings-failed/`;
    await withBrowser(t, async ({ context, page: p }) => {
      // The function refuses the first begin; the task fails with its code.
      let refuse = true;
      await context.route(`${env.url}/v1/uploads`, (r) => {
        if (refuse && r.request().method() === "POST") {
          refuse = false;
          r.fulfill({ status: 403, contentType: "application/json", body: JSON.stringify({ code: "PolicyViolation", message: "refused by the test" }) });
        } else r.continue().catch(() => {});
      });
      await p.goto(`${env.url}/?path=${dir}&quick-upload=off`);
      await fileInput(p).setInputFiles(f.path);
      await waitStates(p, ["failed"]);
      await p.evaluate(() => document.querySelector("ferry-uploader").setAttribute("part-size", "2MiB"));
      await p.locator("ferry-uploader [data-action=retry]").click();
      await waitTask(p, () => ["done", "rapid", "canceled"].includes(document.querySelector("ferry-uploader").tasks[0].state) ||
        (document.querySelector("ferry-uploader").tasks[0].state === "failed" && document.querySelector("ferry-uploader").tasks[0].snapshot().error.code !== "PolicyViolation"));
      const snap = await p.evaluate(() => document.querySelector("ferry-uploader").tasks[0].snapshot());
      assert.equal(snap.state, "done", `retried after the settings change: ${JSON.stringify(snap)}`);
      await assertStored(f, snap.path);
    }, { allow: /403/ });
  });

  test("finished tasks leave the engine; cleared rows let their File go", async (t) => {
    await withBrowser(t, async ({ context, page: p }) => {
      await p.goto(`${env.url}/?path=/e2e-${run}/forget/&quick-upload=off`);
      await p.evaluate(() => {
        const el = document.querySelector("ferry-uploader");
        const files = [new File([crypto.getRandomValues(new Uint8Array(60000))], "kept-a.bin"),
          new File([crypto.getRandomValues(new Uint8Array(60000))], "kept-b.bin")];
        window.__refs = files.map((f) => new WeakRef(f));
        el.addFiles(files);
      });
      await waitStates(p, ["done", "done"]);
      assert.equal(await p.evaluate(() => document.querySelector("ferry-uploader")._client._engine.tasks.size), 0,
        "the engine still holds finished tasks");
      // One row goes by its Remove button, the other by Clear finished.
      await p.locator("ferry-uploader li.item [data-action=remove]").first().click();
      await p.evaluate(() => document.querySelector("ferry-uploader").clearFinished());
      const cdp = await context.newCDPSession(p);
      await cdp.send("HeapProfiler.collectGarbage");
      await cdp.send("HeapProfiler.collectGarbage");
      assert.deepEqual(await p.evaluate(() => window.__refs.map((r) => r.deref() === undefined)), [true, true],
        "the cleared rows' Files are still reachable");
    });
  });

  test("a finished JS API task leaves the engine", async (t) => {
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(`${env.url}/api.html`);
      const got = await p.evaluate(async (dir) => {
        const c = await Ferry.create({ tokenUrl: "/v1/token", quickUpload: false });
        const ok = c.upload(new File([crypto.getRandomValues(new Uint8Array(50000))], "api-done.bin"), { path: `${dir}api-done.bin` });
        const canceled = c.upload(new File([new Uint8Array(50000)], "api-canceled.bin"), { path: `${dir}api-canceled.bin` });
        canceled.cancel();
        await ok.done;
        await canceled.done.catch(() => {});
        return { states: [ok.state, canceled.state], held: Array.from(c._engine.tasks.keys()).length };
      }, `/e2e-${run}/forget-api/`);
      assert.deepEqual(got.states, ["done", "canceled"]);
      assert.equal(got.held, 0, "the engine still holds finished tasks");
    });
  });
});
