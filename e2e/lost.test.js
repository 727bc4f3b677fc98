// A lost confirm answer: the token function confirmed (direct mode: /v1/confirm; brokered:
// /v1/uploads/{id}/complete) the upload but its answer never reached the worker (the
// connection dropped). The retried confirm finds the task gone; the engine
// looks the file up and shows it uploaded, once, rather than failed (or stored twice).
"use strict";
const { test, describe } = require("node:test");
const assert = require("node:assert/strict");
const { env, MiB, makeFile, emulator, assertStored, fileInput, settle, withBrowser, pathOf } = require("./lib");

const run = Date.now().toString(36);

describe("lost answers", () => {
  for (const [name, size] of [["simple", 300 * 1024 + 7], ["multipart", 3 * MiB + 11]]) {
    test(`a lost confirm answer (${name}): the file shows as uploaded, stored once`, async (t) => {
      const f = makeFile(`lost-${name}.bin`, size);
      const dir = `/e2e-${run}/lost-${name}/`;
      await withBrowser(t, async ({ context, page: p }) => {
        let lost = 0;
        await context.route(env.mode === "direct" ? "**/v1/confirm" : "**/v1/uploads/*/complete", async (route) => {
          if (lost > 0) return route.continue();
          lost++;
          const answer = await route.fetch(); // the function confirms…
          assert.equal(answer.status(), 200);
          await route.abort("connectionreset"); // …and the answer is lost
        });
        await p.goto(`${env.url}/?path=${dir}&part-size=1MiB&conflict=rename`);
        await fileInput(p).setInputFiles(f.path);
        const [s] = await settle(p, { timeout: 90000 });
        assert.equal(lost, 1, "the confirm answer was dropped once");
        assert.equal(s.state, "done", JSON.stringify(s));
        assert.equal(s.path, `/users/dev-user${dir}${f.name}`);
        await assertStored(f, s.path);
        const here = (await emulator.files()).filter((e) => pathOf(e).startsWith(`/users/dev-user${dir}`));
        assert.deepEqual(here.map(pathOf), [s.path], "stored once");
        const row = p.locator("ferry-uploader .item[data-state=done]");
        assert.match(await row.locator(".status").innerText(), /Uploaded/);
      });
    });
  }
});
