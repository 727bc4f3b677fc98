// getHeaders (PROTOCOL.md): the worker asks the page for headers before each call to the token
// function only while the page has a getHeaders — a round trip through the page's main thread
// per call spared otherwise — including one set or cleared after Ferry.create.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { env, withBrowser } = require("./lib");

const run = Date.now().toString(36);

test("getHeaders: none asked without it; asked once set after create; none once cleared", async (t) => {
  await withBrowser(t, async ({ page: p }) => {
    // Every "headers" question a worker asks the page.
    await p.addInitScript(() => {
      const W = window.Worker;
      window.__questions = 0;
      window.Worker = class extends W {
        constructor(...a) {
          super(...a);
          this.addEventListener("message", (e) => { if (e.data && e.data.type === "headers") window.__questions++; });
        }
      };
    });
    await p.goto(`${env.url}/api.html`);
    const got = await p.evaluate(async (dir) => {
      const c = await Ferry.create({ tokenUrl: "/v1/token" });
      const up = (name) => c.upload(new File([new Uint8Array(64 * 1024)], name), { path: `${dir}${name}` }).done;
      const counts = {};
      await up("none.bin");
      counts.none = window.__questions;
      let calls = 0;
      c.getHeaders = () => { calls++; return { "X-Test": "1" }; };
      await up("set.bin");
      counts.set = window.__questions - counts.none;
      counts.calls = calls;
      c.getHeaders = null;
      const before = window.__questions;
      await up("cleared.bin");
      counts.cleared = window.__questions - before;
      c.close();
      return counts;
    }, `/e2e-${run}/headers/`);
    assert.equal(got.none, 0, "asked without a getHeaders");
    assert.ok(got.set >= 1 && got.calls === got.set, `getHeaders set after create: ${JSON.stringify(got)}`);
    assert.equal(got.cleared, 0, "asked after getHeaders was cleared");
  });
});
