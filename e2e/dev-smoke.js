// The smoke test of scripts/lib/tier-dev.sh: against a running `scripts/dev --provider P`, one
// file of 20 MiB + 3 bytes (three 8 MiB parts) picked through the demo page's
// <ferry-uploader> (web/index.html) must end done and be stored byte-identical where the page
// says: SMH's dev library, PDS's user drive, or, for Gokuai, dev-user's personal library.
// Environment as e2e/lib.js reads it (FERRY_E2E_URL, FERRY_E2E_EMULATOR, FERRY_E2E_PROVIDER,
// FERRY_E2E_USER, FERRY_E2E_RESULTS, FERRY_E2E_FILES); the screenshot goes to
// $FERRY_E2E_RESULTS/<provider>.png. Prints one line and exits 0, or fails with the reason.
"use strict";
const assert = require("node:assert/strict");
const { env, MiB, checkProvider, dataPlane, home, launch, makeFile, assertStored, shot, fileInput, settle } = require("./lib");

const PART = 8 * MiB; // the engine's default part size: parts are counted by it

async function main() {
  const f = makeFile("dev-smoke-20MiB+3.bin", 20 * MiB + 3);
  const b = await launch();
  const { page } = b;
  try {
    // Every part the page sends to the data plane, by its number (retries counted once).
    const parts = new Set();
    page.on("request", (req) => {
      if (req.method() === "PUT" && req.url().startsWith(env.emulator + dataPlane.prefix)) parts.add(dataPlane.part(req, PART));
    });
    await page.goto(`${env.url}/`, { waitUntil: "load" });
    await fileInput(page).setInputFiles(f.path);
    const [snap] = await settle(page, { timeout: 180000 });
    assert.equal(snap.state, "done", `the task did not end done: ${JSON.stringify(snap)}`);
    assert.equal(snap.name, f.name);
    assert.equal(snap.fraction, 1);
    // The demo's folder is /uploads/; the role puts the caller's area before it.
    assert.equal(snap.path, `${home}/uploads/${f.name}`);
    const summary = await page.evaluate(() => document.querySelector("ferry-uploader").shadowRoot.querySelector(".summary .text").textContent);
    assert.match(summary, /^1 of 1 files? uploaded/);
    assert.ok(parts.size >= 2, `one file of ${f.size} bytes went in ${parts.size} part(s), not several`);
    const stored = await assertStored(f, snap.path);
    await shot(b.page, env.provider, { fullPage: true });
    assert.deepEqual(b.problems, [], "errors on the page");
    // Where the emulator was asked (Gokuai: dev-user's personal library, by its mount id).
    const library = await checkProvider().library();
    console.log(`  ${env.provider}: ${f.name} (${f.size} bytes, ${parts.size} parts) → ${snap.path} in ${library}, byte-identical (sha256 ${stored.sha256.slice(0, 12)}…)`);
  } catch (e) {
    await shot(page, `FAILED-${env.provider}`, { fullPage: true }).catch(() => {});
    if (b.problems.length) e.message += `\npage problems:\n  ${b.problems.join("\n  ")}`;
    throw e;
  } finally {
    await b.close();
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
