// node e2e/browsers/run.js chromium|firefox|webkit: the core scenarios (scenarios.js) in one
// browser, against the emulator and dev server that scripts/lib/tier-browsers.sh (SMH) or
// scripts/lib/tier-provider.sh (PDS, Gokuai) starts (the environment of e2e/lib.js). One
// browser session serves the scenarios in turn; after a failure the next scenario gets a
// new one. Prints a line per scenario with its time; exits 1 on any failure.
"use strict";
const { browsers, bounded } = require("./drivers");
const { scenarios, resultsPath } = require("./scenarios");
const { emulator, checkProvider } = require("../lib");

checkProvider("smh", "pds", "gokuai");

const SCENARIO = Number(process.env.FERRY_BROWSERS_SCENARIO_TIMEOUT || 300000);

async function main() {
  const browser = process.argv[2];
  const Session = browsers[browser];
  if (!Session) throw new Error(`usage: run.js ${Object.keys(browsers).join("|")}`);
  const only = process.env.FERRY_BROWSERS_ONLY ? new RegExp(process.env.FERRY_BROWSERS_ONLY) : null;
  const run = Date.now().toString(36);
  const ctx = {
    browser,
    dir: (route) => `/browsers-${run}/${browser}/${route}/`,
    png: (name) => resultsPath(browser, name),
  };
  const t0 = Date.now();
  let session = null;
  let startFailed = "";
  let failed = 0;
  let ran = 0;
  for (const sc of scenarios) {
    if (only && !only.test(sc.name)) continue;
    ran++;
    const start = Date.now();
    try {
      if (startFailed) throw new Error(`not run: ${browser} did not start (${startFailed})`);
      if (!session) {
        session = await Session.start().catch((e) => {
          startFailed = e.message;
          throw e;
        });
        console.log(`  ${browser}: ${session.version}, started in ${((Date.now() - start) / 1000).toFixed(1)} s`);
      }
      const s = session;
      const note = await bounded(`scenario "${sc.name}"`, SCENARIO, (async () => {
        const note = await sc.run(s, ctx);
        await s.collect();
        return note;
      })());
      if (s.problems.length) throw new Error(`errors in the page:\n      ${s.problems.splice(0).join("\n      ")}`);
      console.log(`  ✔ ${browser}: ${sc.name} (${((Date.now() - start) / 1000).toFixed(1)} s): ${note}`);
    } catch (e) {
      failed++;
      console.log(`  ✘ ${browser}: ${sc.name} (${((Date.now() - start) / 1000).toFixed(1)} s)\n      ${String(e.stack || e).split("\n").join("\n      ")}`);
      if (session) {
        // After a hang the browser answers nothing more: no problems or screenshot to ask for.
        session.hung = session.hung || !!e.hung;
        await session.collect().catch(() => {});
        if (session.problems.length) console.log(`      page problems:\n        ${session.problems.join("\n        ")}`);
        if (!session.hung) await session.shot(resultsPath(browser, `FAILED-${sc.name.replace(/[^\w-]+/g, "_")}`)).catch(() => {});
        await session.close();
        session = null;
      }
    } finally {
      await emulator.faults({}).catch(() => {});
    }
  }
  if (session) await session.close();
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`  ${browser}: ${ran - failed} of ${ran} scenarios passed in ${secs} s`);
  return failed || !ran ? 1 : 0;
}

// SIGTERM from the tier's cleanup: exit, so that the exit hooks end the browsers.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));
main().then((code) => process.exit(code), (e) => {
  console.error(`  ✘ ${e.stack || e}`);
  process.exit(1);
});
