// One small driver interface over the browsers of the browsers tiers:
//   chromium Debian's chromium through playwright-core (headless), as e2e/lib.js launches it;
//            the PDS and Gokuai tiers run the core scenarios in it (against SMH,
//            e2e/*.test.js do);
//   firefox  Debian's firefox-esr through puppeteer-core over WebDriver BiDi (headless);
//   webkit   WebKitGTK's MiniBrowser through WebKitWebDriver and selenium-webdriver (classic
//            WebDriver only: it refuses BiDi), on the Xvfb display in $DISPLAY.
// A session has open, reload, eval (a function run in the page, its promise awaited), setFiles,
// click, shot and close. Targets are CSS selectors, or {shadow: hostSelector, css} inside an
// open shadow root. Every call is bounded: a hang fails naming the step (one early WebKit run
// hung on an unidentified step), and close() ends the browser and its driver whatever state
// they are in.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { crop } = require("./png");

const STEP = 60000; // the default bound of one driver call

// WebKitWebDriver process groups still running: ended when this process exits, however it
// exits (puppeteer ends its firefox itself on exit and on SIGINT, SIGTERM and SIGHUP).
const groups = new Set();
process.on("exit", () => {
  for (const pid of groups) try { process.kill(-pid, "SIGKILL"); } catch {}
});

// bounded settles like promise, or fails after ms naming what hung.
function bounded(what, ms, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`step timed out after ${ms} ms: ${what}`), { hung: true })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(target) {
  return typeof target === "string" ? target : `${target.shadow} >>> ${target.css}`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The shared half: problems the page hook recorded (read before each navigation and at
// close, since a navigation discards them) and polling a condition with a deadline.
class Session {
  constructor(name) {
    this.name = name;
    this.problems = [];
    this.hung = false; // set once a step timed out: the browser is then only killed
  }

  // step is bounded() for a call into the browser: after one hang the browser is taken for
  // dead (only killed at close), and later calls fail at once instead of waiting again.
  step(what, ms, promise) {
    if (this.hung) {
      Promise.resolve(promise).catch(() => {}); // not waited for: its failure is no news
      return Promise.reject(Object.assign(new Error(`not waited for, the browser hung before: ${what}`), { hung: true }));
    }
    return bounded(what, ms, promise).catch((e) => {
      if (e.hung) this.hung = true;
      throw e;
    });
  }

  async collect() {
    if (this.hung) return;
    const got = await this.eval(() => (window.__ferryProblems || []).splice(0)).catch((e) => [`could not read the page's problems: ${e.message}`]);
    this.problems.push(...got);
  }

  // until evaluates fn(arg) in the page every 100 ms until it is truthy, and returns it.
  async until(fn, arg, { timeout = 60000, what = "a condition" } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const v = await this.eval(fn, arg);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${typeof what === "function" ? await what() : what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

class ChromiumSession extends Session {
  static async start() {
    const { launch } = require("../lib");
    const s = new ChromiumSession("chromium");
    s.b = await bounded("launch chromium", 90000, launch());
    s.page = s.b.page;
    // A persistent context has no browser object to ask: the page says.
    s.version = await bounded("ask chromium's version", STEP, s.page.evaluate(() => (navigator.userAgent.match(/Chrome\/[\d.]+/) || ["Chromium"])[0]));
    // No timeouts of playwright's own: ours (bounded) name the step that hung.
    s.page.setDefaultTimeout(0);
    // Leaving a page with uploads under way asks first: the tests reload on purpose.
    s.page.on("dialog", (d) => d.accept().catch(() => {}));
    return s;
  }

  async open(url) {
    if (this.opened) await this.collect();
    this.opened = true;
    await this.step(`open ${url}`, STEP, this.page.goto(url, { waitUntil: "load", timeout: 0 }));
  }

  async reload() {
    await this.collect();
    await this.step("reload", STEP, this.page.reload({ waitUntil: "load", timeout: 0 }));
  }

  eval(fn, ...args) {
    // Playwright passes one argument; the scenarios pass at most one.
    return this.step(`evaluate ${String(fn).slice(0, 80)}`, STEP, this.page.evaluate(fn, args[0]));
  }

  // Playwright's CSS engine pierces open shadow roots: a shadow target is host, then inside.
  locate(target) {
    const sel = typeof target === "string" ? target : `${target.shadow} ${target.css}`;
    return this.page.locator(sel).first();
  }

  async setFiles(target, paths) {
    await this.step(`set files on ${describe(target)}`, STEP, this.locate(target).setInputFiles(paths, { timeout: 0 }));
  }

  async click(target) {
    await this.step(`click ${describe(target)}`, STEP, this.locate(target).click({ timeout: 0 }));
  }

  async shot(file, target) {
    if (!target) return this.step("screenshot", STEP, this.page.screenshot({ path: file, fullPage: true, animations: "disabled" }));
    await this.step(`screenshot of ${describe(target)}`, STEP, this.locate(target).screenshot({ path: file, animations: "disabled", timeout: 0 }));
  }

  async close() {
    if (this.opened) await this.collect().catch(() => {});
    // launch()'s close ends the browser and removes its profile.
    if (this.b) await bounded("close chromium", 20000, this.b.close()).catch(() => {});
  }
}

class FirefoxSession extends Session {
  static async start() {
    const puppeteer = require("puppeteer-core");
    const s = new FirefoxSession("firefox");
    s.browser = await bounded("launch firefox-esr", 90000, puppeteer.launch({
      browser: "firefox",
      executablePath: process.env.FIREFOX_PATH || "/usr/lib/firefox-esr/firefox-esr",
      headless: true,
      defaultViewport: { width: 1200, height: 900 },
      // Nothing beyond loopback on these machines: no update checks or telemetry (puppeteer's
      // Firefox defaults turn off most of the rest).
      extraPrefsFirefox: { "app.update.enabled": false, "datareporting.policy.dataSubmissionEnabled": false },
    }));
    s.version = await s.browser.version();
    s.page = await bounded("open a firefox tab", STEP, s.browser.newPage());
    // No timeouts of puppeteer's own: ours (bounded) name the step that hung.
    s.page.setDefaultTimeout(0);
    // Leaving a page with uploads under way asks first: the tests reload on purpose.
    s.page.on("dialog", (d) => d.accept().catch(() => {}));
    return s;
  }

  async open(url) {
    if (this.opened) await this.collect();
    this.opened = true;
    await this.step(`open ${url}`, STEP, this.page.goto(url, { waitUntil: "load", timeout: 0 }));
  }

  async reload() {
    await this.collect();
    await this.step("reload", STEP, this.page.reload({ waitUntil: "load", timeout: 0 }));
  }

  eval(fn, ...args) {
    return this.step(`evaluate ${String(fn).slice(0, 80)}`, STEP, this.page.evaluate(fn, ...args));
  }

  async find(target) {
    const sel = typeof target === "string" ? target : `${target.shadow} >>> ${target.css}`;
    const el = await this.step(`find ${describe(target)}`, STEP, this.page.waitForSelector(sel, { timeout: 0 }));
    if (!el) throw new Error(`no element ${describe(target)}`);
    return el;
  }

  async setFiles(target, paths) {
    const el = await this.find(target);
    await this.step(`set files on ${describe(target)}`, STEP, el.uploadFile(...paths));
  }

  async click(target) {
    const el = await this.find(target);
    await this.step(`click ${describe(target)}`, STEP, el.click());
  }

  async shot(file, target) {
    if (!target) return this.step("screenshot", STEP, this.page.screenshot({ path: file, fullPage: true }));
    const el = await this.find(target);
    await this.step(`screenshot of ${describe(target)}`, STEP, el.screenshot({ path: file }));
  }

  async close() {
    if (this.opened) await this.collect().catch(() => {});
    const proc = this.browser && this.browser.process();
    if (!this.hung) await this.step("close firefox", 20000, this.browser ? this.browser.close() : null).catch(() => {});
    if (proc && proc.exitCode === null) proc.kill("SIGKILL");
  }
}

class WebKitSession extends Session {
  static async start() {
    const { Builder } = require("selenium-webdriver");
    if (!process.env.DISPLAY) throw new Error("webkit: no DISPLAY (MiniBrowser has no headless mode: the tier starts Xvfb)");
    const s = new WebKitSession("webkit");
    const port = await freePort();
    s.driverLog = path.join(process.env.FERRY_E2E_RESULTS || os.tmpdir(), "webkit-driver.log");
    const log = fs.openSync(s.driverLog, "a");
    // A process group of its own, MiniBrowser and its web processes included: ending the group
    // ends them all, whatever state the session is in.
    s.proc = spawn(process.env.WEBKIT_DRIVER || "WebKitWebDriver", [`--port=${port}`, "--host=127.0.0.1"],
      { stdio: ["ignore", log, log], detached: true });
    fs.closeSync(log);
    groups.add(s.proc.pid);
    const exited = new Promise((_, reject) => s.proc.once("exit", (code) => reject(new Error(`WebKitWebDriver exited (${code}); see ${s.driverLog}`))));
    exited.catch(() => {});
    const url = `http://127.0.0.1:${port}`;
    // Ready once /status answers (polled with a deadline; it starts in well under a second).
    await bounded("start WebKitWebDriver", 30000, Promise.race([exited, (async () => {
      for (;;) {
        try {
          const res = await fetch(`${url}/status`);
          if (res.ok) return;
        } catch {}
        await new Promise((r) => setTimeout(r, 100));
      }
    })()]));
    const caps = {
      browserName: "MiniBrowser",
      "webkitgtk:browserOptions": {
        binary: process.env.MINIBROWSER_PATH || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
        args: ["--automation"],
      },
    };
    try {
      s.driver = await bounded("start a MiniBrowser session", 90000, new Builder().usingServer(url).withCapabilities(caps).build());
    } catch (e) {
      s.killGroup();
      throw e;
    }
    const c = await s.driver.getCapabilities();
    s.version = `${c.get("browserName")} ${c.get("browserVersion")}`;
    // The driver's own timeouts beyond ours (bounded), which name the step that hung.
    await bounded("set timeouts", STEP, s.driver.manage().setTimeouts({ script: 2 * STEP, pageLoad: 2 * STEP, implicit: 0 }));
    await bounded("size the window", STEP, s.driver.manage().window().setRect({ x: 0, y: 0, width: 1200, height: 1000 }));
    return s;
  }

  async open(url) {
    if (this.opened) await this.collect();
    this.opened = true;
    await this.step(`open ${url}`, STEP, this.driver.get(url));
  }

  async reload() {
    await this.collect();
    await this.step("reload", STEP, this.driver.navigate().refresh());
  }

  eval(fn, ...args) {
    // Execute Script awaits a promise the script returns.
    return this.step(`evaluate ${String(fn).slice(0, 80)}`, STEP,
      this.driver.executeScript(`return (${fn}).apply(null, arguments);`, ...args));
  }

  async find(target) {
    const { By } = require("selenium-webdriver");
    const d = this.driver;
    return this.step(`find ${describe(target)}`, STEP, (async () => {
      if (typeof target === "string") return d.findElement(By.css(target));
      const host = await d.findElement(By.css(target.shadow));
      return (await host.getShadowRoot()).findElement(By.css(target.css));
    })());
  }

  async setFiles(target, paths) {
    const el = await this.find(target);
    // A file input takes its paths as typed text, one a line.
    await this.step(`set files on ${describe(target)}`, STEP, el.sendKeys(paths.join("\n")));
  }

  async click(target) {
    const el = await this.find(target);
    await this.step(`click ${describe(target)}`, STEP, el.click());
  }

  async shot(file, target) {
    // WebKitGTK 2.50's element screenshots come out cut short below (viewport height - the
    // element's top) or black once scrolled; its viewport screenshots are right, so the
    // element is cropped out of one.
    const el = target && (await this.find(target));
    const rect = el && await this.step(`measure ${describe(target)}`, STEP, this.driver.executeScript(
      "arguments[0].scrollIntoView({block: 'nearest'}); const r = arguments[0].getBoundingClientRect(), k = devicePixelRatio;" +
      "return {x: r.x * k, y: r.y * k, width: r.width * k, height: r.height * k};", el));
    const png = Buffer.from(await this.step("screenshot", STEP, this.driver.takeScreenshot()), "base64");
    fs.writeFileSync(file, rect ? crop(png, rect) : png);
  }

  async close() {
    if (this.opened) await this.collect().catch(() => {});
    if (this.driver && !this.hung) await this.step("close MiniBrowser", 20000, this.driver.quit()).catch(() => {});
    this.killGroup();
  }

  killGroup() {
    if (!this.proc) return;
    try { process.kill(-this.proc.pid, "SIGKILL"); } catch {}
    groups.delete(this.proc.pid);
  }
}

const browsers = { chromium: ChromiumSession, firefox: FirefoxSession, webkit: WebKitSession };

module.exports = { browsers, bounded, STEP };
