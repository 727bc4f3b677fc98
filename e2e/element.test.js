// <ferry-uploader> in the demo page: uploads of edge sizes, drag and drop, pause and resume,
// cancel, server messages, restrictions, keyboard and an axe-core check.
"use strict";
const { test, describe, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { env, MiB, makeFile, makePNG, emulator, assertStored, shot, fileInput, settle, waitTask, withBrowser, rendered, until } = require("./lib");

const run = Date.now().toString(36);
const THRESHOLD = 8 * MiB; // the engine's simple-upload threshold and default part size

function page(params) {
  return `${env.url}/?${new URLSearchParams(params)}`;
}

// A task of the element, by file name.
function task(name) {
  return ([name]) => document.querySelector("ferry-uploader").tasks.find((t) => t.snapshot().name === name);
}

describe("<ferry-uploader>", () => {
  afterEach(() => emulator.faults({}));

  test("uploads files of edge sizes, byte-identical in the library", async (t) => {
    const sizes = [0, 1, MiB - 1, MiB, MiB + 1, THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, 2 * THRESHOLD + 12345];
    const files = sizes.map((n) => makeFile(`edge-${n}.bin`, n));
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/element/` }));
      await fileInput(p).setInputFiles(files.map((f) => f.path));
      const snaps = await settle(p, { count: files.length, timeout: 90000 });
      await shot(p, "01-element-edge-sizes", { element: "ferry-uploader" });
      for (const f of files) {
        const s = snaps.find((x) => x.name === f.name);
        assert.ok(s, `no task for ${f.name}`);
        assert.equal(s.state, "done", `${f.name}: ${JSON.stringify(s)}`);
        assert.equal(s.fraction, 1);
        assert.match(s.path, new RegExp(`^/users/dev-user/e2e-${run}/element/${f.name}$`));
        await assertStored(f, s.path);
      }
      // The list says so in words, with the total.
      const summary = await p.locator("ferry-uploader .summary .text").innerText();
      assert.match(summary, new RegExp(`${files.length} of ${files.length} files uploaded`));
    });
  });

  test("drag and drop of files from disk", async (t) => {
    const a = makeFile("dropped-a.bin", 3 * MiB + 7);
    const b = makeFile("dropped-b.bin", 12345);
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/dnd/` }));
      // Real files from disk into a DataTransfer, as the OS hands them to a drop.
      await p.evaluate(() => {
        const input = Object.assign(document.createElement("input"), { type: "file", multiple: true, id: "dnd-source", hidden: true });
        document.body.append(input);
      });
      await p.setInputFiles("#dnd-source", [a.path, b.path]);
      const dt = await p.evaluateHandle(() => {
        const dt = new DataTransfer();
        for (const f of document.getElementById("dnd-source").files) dt.items.add(f);
        return dt;
      });
      const el = p.locator("ferry-uploader");
      await el.dispatchEvent("dragenter", { dataTransfer: dt });
      await el.dispatchEvent("dragover", { dataTransfer: dt });
      assert.equal(await p.locator("ferry-uploader .drop").getAttribute("class"), "drop over", "the drop zone lights up");
      await shot(p, "02-element-dragover", { element: "ferry-uploader" });
      await el.dispatchEvent("drop", { dataTransfer: dt });
      const snaps = await settle(p, { count: 2 });
      for (const f of [a, b]) {
        const s = snaps.find((x) => x.name === f.name);
        assert.equal(s.state, "done");
        await assertStored(f, s.path);
      }
    });
  });

  test("paste, and a picked folder keeps its sub-folders", async (t) => {
    const dir = require("node:path").join(env.files, `folder-${run}`);
    fs.mkdirSync(require("node:path").join(dir, "sub"), { recursive: true });
    const inTop = makeFile(`folder-${run}/top.bin`, 4096);
    const inSub = makeFile(`folder-${run}/sub/deep.bin`, MiB + 3);
    const pasted = makePNG("pasted.png", 320, 240, [40, 90, 200], [120, 200, 160]);
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/pick/` }));
      await p.locator("ferry-uploader input[webkitdirectory]").setInputFiles(dir);
      let snaps = await settle(p, { count: 2 });
      for (const [f, rel] of [[inTop, "top.bin"], [inSub, "sub/deep.bin"]]) {
        const s = snaps.find((x) => x.path.endsWith(`/folder-${run}/${rel}`));
        assert.ok(s, `${rel} uploaded under the folder's name: ${snaps.map((x) => x.path)}`);
        assert.equal(s.state, "done");
        await assertStored(f, s.path);
      }
      // Paste: a file from the clipboard, with focus in the element.
      await p.evaluate(() => {
        const input = Object.assign(document.createElement("input"), { type: "file", id: "paste-source", hidden: true });
        document.body.append(input);
      });
      await p.setInputFiles("#paste-source", pasted.path);
      await p.getByRole("button", { name: "Choose files" }).focus();
      await p.evaluate(() => {
        const dt = new DataTransfer();
        dt.items.add(document.getElementById("paste-source").files[0]);
        const target = document.querySelector("ferry-uploader").shadowRoot.activeElement;
        target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, composed: true }));
      });
      snaps = await settle(p, { count: 3 });
      const s = snaps.find((x) => x.name === "pasted.png");
      assert.ok(s, "the pasted file is in the list");
      assert.equal(s.state, "done");
      await assertStored(pasted, s.path);
      // Its thumbnail is an object URL of the file itself.
      const src = await p.locator("ferry-uploader .item .thumb img").last().getAttribute("src");
      assert.match(src, /^blob:/);
    });
  });

  test("pause and resume", async (t) => {
    const f = makeFile("pause-me.bin", 24 * MiB + 5);
    await emulator.faults({ latency: "120ms" });
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/pause/`, "part-size": "1MiB", concurrency: "1" }));
      await fileInput(p).setInputFiles(f.path);
      await waitTask(p, ([n]) => { const t = document.querySelector("ferry-uploader").tasks[0]; return t && t.state === "uploading" && t.snapshot().fraction > 0.1; }, [f.name]);
      await p.getByRole("button", { name: `Pause ${f.name}` }).click();
      await waitTask(p, () => document.querySelector("ferry-uploader").tasks[0].state === "paused");
      const at = await p.evaluate(() => document.querySelector("ferry-uploader").tasks[0].snapshot());
      assert.ok(at.fraction > 0 && at.fraction < 1, `paused part-way: ${at.fraction}`);
      // Focus moves from the hidden Pause button to Resume (at the next render of the row,
      // which may come a frame after the state: wait for it, up to 3 s).
      const focusedLabel = () => document.querySelector("ferry-uploader").shadowRoot.activeElement?.getAttribute("aria-label");
      await p.waitForFunction((want) => document.querySelector("ferry-uploader").shadowRoot.activeElement?.getAttribute("aria-label") === want,
        `Resume ${f.name}`, { timeout: 3000 }).catch(() => {});
      assert.equal(await p.evaluate(focusedLabel), `Resume ${f.name}`);
      // Nothing may happen now, so there is no event to wait for: look again a little later.
      await p.waitForTimeout(700);
      const later = await p.evaluate(() => document.querySelector("ferry-uploader").tasks[0].snapshot());
      assert.equal(later.state, "paused");
      assert.ok(later.fraction >= at.fraction, "progress never moves backwards");
      await shot(p, "03-element-paused", { element: "ferry-uploader" });
      await emulator.faults({});
      await p.keyboard.press("Enter"); // Resume, from the keyboard
      const [s] = await settle(p);
      assert.equal(s.state, "done");
      await assertStored(f, s.path);
    });
  });

  test("cancel leaves no open upload task", async (t) => {
    const f = makeFile("cancel-me.bin", 20 * MiB);
    await emulator.faults({ latency: "150ms" });
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/cancel/`, "part-size": "1MiB", concurrency: "1" }));
      await fileInput(p).setInputFiles(f.path);
      await waitTask(p, () => { const t = document.querySelector("ferry-uploader").tasks[0]; return t && t.state === "uploading" && t.snapshot().fraction > 0.05; });
      const path = await p.evaluate(() => document.querySelector("ferry-uploader").tasks[0].snapshot().path);
      const open = await emulator.uploads();
      assert.ok(open.some((u) => String(u.path).replace(/^\/?/, "/") === path), `an open task for ${path} while uploading: ${JSON.stringify(open)}`);
      await p.getByRole("button", { name: `Cancel ${f.name}` }).click();
      await waitTask(p, () => document.querySelector("ferry-uploader").tasks[0].state === "canceled");
      let left;
      await until(async () => {
        left = (await emulator.uploads()).filter((u) => String(u.path).replace(/^\/?/, "/") === path);
        return !left.length;
      }, { what: () => `the server task to be deleted: ${JSON.stringify(left)}` });
      assert.ok(!(await emulator.files()).some((e) => String(e.path).replace(/^\/?/, "/") === path), "no file was stored");
    });
  });

  test("a name that exists, with conflict=ask, fails with a plain-language message", async (t) => {
    const f = makeFile("exists.txt", 2000);
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/conflict/`, conflict: "ask" }));
      await fileInput(p).setInputFiles(f.path);
      await settle(p);
      await fileInput(p).setInputFiles(f.path);
      const snaps = await settle(p, { count: 2 });
      assert.equal(snaps[1].state, "failed");
      // Brokered, the function answers the neutral code (SMH's beside it); direct, SMH's own.
      assert.equal(snaps[1].error.code, env.mode === "brokered" ? "AlreadyExists" : "SameNameDirectoryOrFileExists");
      const text = await p.locator("ferry-uploader .item[data-state=failed] .err").innerText();
      assert.equal(text, "A file with this name already exists in that folder.");
      // The same in Simplified Chinese.
      await p.evaluate(() => document.querySelector("ferry-uploader").setAttribute("locale", "zh-CN"));
      await rendered(p);
      assert.equal(await p.locator("ferry-uploader .item[data-state=failed] .err").innerText(), "该文件夹中已有同名文件。");
      await shot(p, "04-element-conflict-zh", { element: "ferry-uploader" });
    });
  });

  test("restrictions say why a file was not added", async (t) => {
    const pdf = makeFile("report.pdf", 1000);
    const bin = makeFile("program.bin", 1000);
    const bigPng = makeFile("big-photo.png", 2 * MiB);
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/restrict/`, accept: "image/*,.pdf", "max-size": "1MB", "max-files": "1" }));
      const hint = await p.locator("ferry-uploader .drop .hint").first().innerText();
      assert.match(hint, /Accepted: images, PDF/);
      assert.match(hint, /Up to 1 MB per file/);
      // What the live region says, as it says it (it is emptied before each new batch).
      await p.evaluate(() => {
        const live = document.querySelector("ferry-uploader").shadowRoot.querySelector("[aria-live=polite]");
        window.said = [];
        new MutationObserver(() => { if (live.textContent) window.said.push(live.textContent); })
          .observe(live, { childList: true, characterData: true, subtree: true });
      });
      await fileInput(p).setInputFiles([bin.path, bigPng.path, pdf.path, pdf.path]);
      const notices = await p.locator("ferry-uploader .notice li").allInnerTexts();
      const expected = [
        "“program.bin” wasn't added: this type of file isn't accepted here (accepted: images, PDF).",
        "“big-photo.png” wasn't added: it is 2.1 MB, more than the 1 MB limit per file.",
        "Too many files: the limit here is 1, so 1 was not added.",
      ];
      assert.deepEqual(notices, expected);
      const snaps = await settle(p);
      assert.equal(snaps.length, 1);
      assert.equal(snaps[0].name, "report.pdf");
      assert.equal(snaps[0].state, "done");
      await shot(p, "05-element-restrictions", { element: "ferry-uploader" });
      // The live region said it too, politely.
      await waitTask(p, (expected) => expected.every((n) => window.said.some((s) => s.includes(n))), expected, 20000)
        .catch(async (e) => assert.fail(`the live region said ${JSON.stringify(await p.evaluate(() => window.said))}: ${e.message}`));
    });
  });

  test("keyboard only: every control is reachable, labelled and visibly focused", async (t) => {
    const f = makeFile("keyboard.bin", 5 * MiB);
    await emulator.faults({ latency: "100ms" });
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/keys/`, "part-size": "1MiB", concurrency: "1" }));
      // Tab from the page's controls into the element: Choose files, then Choose a folder.
      await p.locator("#theme").focus();
      await p.keyboard.press("Tab");
      const first = await p.evaluate(() => document.querySelector("ferry-uploader").shadowRoot.activeElement?.textContent.trim());
      assert.equal(first, "Choose files");
      const outline = await p.evaluate(() => getComputedStyle(document.querySelector("ferry-uploader").shadowRoot.activeElement).outlineStyle);
      assert.equal(outline, "solid", "a visible focus ring");
      await p.keyboard.press("Tab");
      assert.equal(await p.evaluate(() => document.querySelector("ferry-uploader").shadowRoot.activeElement?.textContent.trim()), "Choose a folder");
      // Enter on "Choose files" opens the file chooser.
      await p.keyboard.press("Shift+Tab");
      // (lib.js's launch intercepts file choosers from the start.)
      const choosing = p.waitForEvent("filechooser");
      await p.keyboard.press("Enter");
      const chooser = await choosing;
      await chooser.setFiles(f.path);
      await waitTask(p, () => document.querySelector("ferry-uploader").tasks[0]?.state === "uploading");
      // Every visible button in the element has an accessible name.
      const unnamed = await p.evaluate(() => Array.from(document.querySelector("ferry-uploader").shadowRoot.querySelectorAll("button"))
        .filter((b) => b.offsetParent !== null && !(b.getAttribute("aria-label") || b.textContent.trim())).length);
      assert.equal(unnamed, 0);
      await emulator.faults({});
      await settle(p);
    });
  });

  test("axe-core finds no accessibility violations, in English and Chinese, light and dark", async (t) => {
    const f = makePNG("a11y-photo.png", 400, 300, [200, 80, 60], [250, 200, 90]);
    const g = makeFile("a11y-doc.pdf", 4000);
    const axe = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/a11y/`, conflict: "ask", "max-size": "100MB", accept: "image/*,.pdf" }));
      await fileInput(p).setInputFiles([f.path, g.path]);
      await settle(p, { count: 2 });
      await fileInput(p).setInputFiles([g.path, makeFile("a11y-notes.txt", 10).path]); // a conflict and a refused type
      await settle(p, { count: 3 });
      await p.evaluate(axe); // DevTools evaluation is not subject to the page's CSP
      await p.emulateMedia({ reducedMotion: "reduce" }); // no colour transitions mid-check
      const results = {};
      for (const locale of ["en", "zh-CN"]) {
        for (const theme of ["light", "dark"]) {
          await p.evaluate(([l, th]) => { const el = document.querySelector("ferry-uploader"); el.setAttribute("locale", l); el.setAttribute("theme", th); }, [locale, theme]);
          await rendered(p); // the rows redrawn, past any transition
          const r = await p.evaluate(() => window.axe.run(document.querySelector("ferry-uploader"), { resultTypes: ["violations"] }));
          results[`${locale}/${theme}`] = r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
          if (theme === "dark" && locale === "en") await shot(p, "06-element-dark", { element: "ferry-uploader" });
        }
      }
      assert.deepEqual(results, { "en/light": [], "en/dark": [], "zh-CN/light": [], "zh-CN/dark": [] });
    });
  });
});

describe("the README's screenshot", () => {
  afterEach(() => emulator.faults({}));

  test("the widget mid-upload", async (t) => {
    const photos = [
      makePNG("harbour.png", 480, 360, [30, 90, 170], [120, 200, 220]),
      makePNG("sunset.png", 480, 360, [230, 110, 60], [250, 200, 120]),
      makePNG("meadow.png", 480, 360, [60, 140, 70], [190, 220, 120]),
    ];
    const video = makeFile("holiday-video.mp4", 96 * MiB + 1234);
    const archive = makeFile("site-backup.zip", 64 * MiB + 77);
    const doc = makeFile("annual-report.pdf", 2 * MiB + 5);
    await emulator.faults({ latency: "60ms" });
    await withBrowser(t, async ({ page: p }) => {
      await p.goto(page({ path: `/e2e-${run}/readme/`, "part-size": "1MiB", concurrency: "4", "parallel-files": "2" }));
      await fileInput(p).setInputFiles(photos.map((f) => f.path));
      await settle(p, { count: 3 });
      await fileInput(p).setInputFiles([video.path, archive.path, doc.path]);
      await waitTask(p, () => {
        const ts = document.querySelector("ferry-uploader").tasks;
        const v = ts.find((x) => x.snapshot().name === "holiday-video.mp4");
        const a = ts.find((x) => x.snapshot().name === "site-backup.zip");
        return v && a && v.snapshot().fraction > 0.42 && a.snapshot().bytesPerSecond && v.snapshot().etaSeconds != null;
      }, null, 120000);
      // Theming through a custom property: the whole list, no scrolling, for the picture.
      await p.evaluate(() => document.querySelector("ferry-uploader").style.setProperty("--ferry-list-max-height", "none"));
      await rendered(p);
      await shot(p, "00-widget-mid-upload", { element: "ferry-uploader" });
      await p.evaluate(() => document.querySelector("ferry-uploader").cancelAll());
      await settle(p, { count: 6 });
    }, { deviceScaleFactor: 2, viewport: { width: 760, height: 1000 } });
  });
});
