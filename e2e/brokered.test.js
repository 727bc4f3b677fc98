// Brokered uploads in the browser (interfaces.md §5): the page's network log holds no SMH
// access token and no request of the browser reaches SMH's control plane; the browser only
// talks to the token function and PUTs bytes to the data plane. Runs in the main pass of
// scripts/lib/tier-e2e.sh, where FERRY_E2E_URL is a dev server with the default (brokered) role.
"use strict";
const { test, describe, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const { env, MiB, makeFile, emulator, assertStored, shot, fileInput, settle, withBrowser } = require("./lib");

const run = Date.now().toString(36);

describe("brokered uploads", () => {
  afterEach(() => emulator.faults({}));

  test("the browser holds no SMH credential and never calls SMH's control plane", async (t) => {
    const files = [0, 1, MiB + 1, 8 * MiB + 1, 17 * MiB + 3].map((n) => makeFile(`brokered-${n}.bin`, n));
    await withBrowser(t, async ({ context, page: p }) => {
      const requests = [];
      const bodies = [];
      context.on("request", (r) => requests.push(`${r.method()} ${r.url()}`));
      context.on("response", (r) => {
        if (r.url().startsWith(env.url + "/v1/")) bodies.push(r.text().then((b) => `${r.url()} ${b}`, () => ""));
      });
      await p.goto(`${env.url}/?path=/e2e-${run}/brokered/`);
      await fileInput(p).setInputFiles(files.map((f) => f.path));
      const snaps = await settle(p, { count: files.length, timeout: 90000 });
      await shot(p, "30-brokered-element", { element: "ferry-uploader" });
      for (const f of files) {
        const s = snaps.find((x) => x.name === f.name);
        assert.equal(s && s.state, "done", `${f.name}: ${JSON.stringify(s)}`);
        await assertStored(f, s.path);
      }
      const answers = await Promise.all(bodies);
      const token = answers.find((a) => a.includes("/v1/token "));
      assert.ok(token, `no token answer seen; requests: ${requests.join("\n")}`);
      assert.match(token, /"mode":"brokered"/);
      for (const a of answers) {
        assert.doesNotMatch(a, /accessToken|access_token/, `an answer to the browser carries an SMH token: ${a.slice(0, 300)}`);
      }
      assert.ok(requests.some((r) => r.startsWith(`POST ${env.url}/v1/uploads`)), "the browser began uploads at the function");
      const smh = requests.filter((r) => r.includes(`${env.emulator}/api/`));
      assert.deepEqual(smh, [], "the browser called SMH's control plane");
      assert.ok(requests.some((r) => r.startsWith(`PUT ${env.emulator}/cos/`)), "the browser PUT bytes to the data plane");
    });
  });
});
