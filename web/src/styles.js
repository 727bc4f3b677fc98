// The element's styles (its shadow root's), adopted as one constructed stylesheet where the browser can.

const STYLES = `
:host {
  --ferry-accent: #2456d6;
  --ferry-accent-hover: #1d46b3;
  --ferry-accent-contrast: #ffffff;
  --ferry-bg: #ffffff;
  --ferry-surface: #f6f8fb;
  --ferry-fg: #111827;
  --ferry-muted: #4b5563;
  --ferry-border: #d5dbe5;
  --ferry-track: #e5e9f0;
  --ferry-success: #0f7434;
  --ferry-danger: #b42318;
  --ferry-warning: #8a5a00;
  --ferry-focus: #2456d6;
  --ferry-radius: 14px;
  --ferry-font: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  display: block;
  font-family: var(--ferry-font);
  font-size: 14px;
  line-height: 1.45;
  color: var(--ferry-fg);
  container-type: inline-size;
}
:host([hidden]) { display: none; }
:host([theme="dark"]) {
  --ferry-accent: #7aa2ff;
  --ferry-accent-hover: #9bb9ff;
  --ferry-accent-contrast: #0b1020;
  --ferry-bg: #141925;
  --ferry-surface: #1b2130;
  --ferry-fg: #eef2f8;
  --ferry-muted: #aab4c5;
  --ferry-border: #364057;
  --ferry-track: #2c3447;
  --ferry-success: #4ad07f;
  --ferry-danger: #ff8a80;
  --ferry-warning: #f5c451;
  --ferry-focus: #7aa2ff;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.card { background: var(--ferry-bg); border: 1px solid var(--ferry-border); border-radius: var(--ferry-radius); padding: 16px; display: grid; gap: 14px; }
button { font: inherit; color: inherit; cursor: pointer; border-radius: 9px; }
button:focus-visible, .drop:focus-visible { outline: 3px solid var(--ferry-focus); outline-offset: 2px; }
button:disabled { cursor: default; opacity: .55; }
svg { width: 100%; height: 100%; display: block; }
.btn { display: inline-flex; align-items: center; gap: 8px; padding: 8px 14px; border: 1px solid var(--ferry-border); background: var(--ferry-bg); font-weight: 600; min-height: 38px; }
.btn:hover { border-color: var(--ferry-accent); color: var(--ferry-accent); }
.btn .i { width: 18px; height: 18px; flex: none; }
.btn.primary { background: var(--ferry-accent); border-color: var(--ferry-accent); color: var(--ferry-accent-contrast); }
.btn.primary:hover { background: var(--ferry-accent-hover); border-color: var(--ferry-accent-hover); color: var(--ferry-accent-contrast); }
.btn.small { min-height: 32px; padding: 5px 11px; font-size: 13px; }
.btn.link { border-color: transparent; background: transparent; color: var(--ferry-accent); padding-inline: 6px; }
.drop { position: relative; border: 2px dashed var(--ferry-border); border-radius: calc(var(--ferry-radius) - 4px); background: var(--ferry-surface); padding: 26px 18px 22px; text-align: center; display: grid; justify-items: center; gap: 8px; transition: border-color .15s, background-color .15s; }
.drop.over { border-color: var(--ferry-accent); background: color-mix(in srgb, var(--ferry-accent) 9%, var(--ferry-bg)); }
.drop .icon { width: 46px; height: 46px; color: var(--ferry-accent); padding: 9px; border-radius: 50%; background: color-mix(in srgb, var(--ferry-accent) 12%, var(--ferry-bg)); }
.drop .title { font-size: 16px; font-weight: 650; margin: 2px 0 0; }
.drop .buttons { display: flex; flex-wrap: wrap; gap: 8px; justify-content: center; }
.drop .hint { color: var(--ferry-muted); font-size: 13px; margin: 0; }
.drop .hint span + span::before { content: " · "; }
.drop .overlay { position: absolute; inset: 0; display: grid; place-items: center; font-size: 17px; font-weight: 650; color: var(--ferry-accent); background: color-mix(in srgb, var(--ferry-accent) 10%, var(--ferry-bg)); border-radius: inherit; pointer-events: none; }
.notice { display: grid; grid-template-columns: 20px 1fr auto; gap: 10px; align-items: start; padding: 10px 12px; border-radius: 10px; border: 1px solid color-mix(in srgb, var(--ferry-danger) 35%, var(--ferry-bg)); background: color-mix(in srgb, var(--ferry-danger) 7%, var(--ferry-bg)); }
.notice .i { width: 20px; height: 20px; color: var(--ferry-danger); margin-top: 1px; }
.notice ul { margin: 0; padding: 0; list-style: none; display: grid; gap: 4px; }
.iconbtn { width: 34px; height: 34px; padding: 7px; border: 1px solid transparent; background: transparent; color: var(--ferry-muted); flex: none; }
.iconbtn:hover { background: var(--ferry-surface); border-color: var(--ferry-border); color: var(--ferry-fg); }
.resume { border: 1px solid color-mix(in srgb, var(--ferry-warning) 40%, var(--ferry-bg)); background: color-mix(in srgb, var(--ferry-warning) 8%, var(--ferry-bg)); border-radius: 10px; padding: 12px 14px; display: grid; gap: 8px; }
.resume h3 { margin: 0; font-size: 15px; display: flex; gap: 8px; align-items: center; }
.resume h3 .i { width: 20px; height: 20px; color: var(--ferry-warning); }
.resume p { margin: 0; color: var(--ferry-muted); }
.resume ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.resume li { display: grid; grid-template-columns: 1fr auto; gap: 4px 10px; align-items: center; padding: 8px 10px; background: var(--ferry-bg); border: 1px solid var(--ferry-border); border-radius: 9px; }
.resume li .what { min-width: 0; overflow-wrap: anywhere; }
.resume li .why { grid-column: 1 / -1; font-size: 13px; color: var(--ferry-muted); }
.resume li .why.err { color: var(--ferry-danger); }
.resume .row { display: flex; justify-content: flex-end; }
.resume li .acts { display: flex; flex-wrap: wrap; gap: 6px; justify-content: flex-end; }
.collapsed { justify-self: start; }
.summary { display: grid; gap: 8px; }
.summary .line { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; justify-content: space-between; }
.summary .text { font-weight: 600; }
.summary .text small { font-weight: 400; color: var(--ferry-muted); font-size: 13px; margin-inline-start: 6px; }
.summary .actions { display: flex; flex-wrap: wrap; gap: 6px; }
.bar { height: 8px; border-radius: 99px; background: var(--ferry-track); overflow: hidden; }
.bar .fill { height: 100%; width: 0; border-radius: inherit; background: var(--ferry-accent); transition: width .25s ease-out; }
.summary[data-all-done] .fill { background: var(--ferry-success); }
.list { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; max-height: var(--ferry-list-max-height, 420px); overflow: auto; }
.item { display: grid; grid-template-columns: 48px minmax(0, 1fr) auto; gap: 12px; align-items: center; padding: 10px; border: 1px solid var(--ferry-border); border-radius: 11px; background: var(--ferry-bg); }
.thumb { width: 48px; height: 48px; border-radius: 8px; background: var(--ferry-surface); border: 1px solid var(--ferry-border); overflow: hidden; display: grid; place-items: center; color: var(--ferry-muted); position: relative; }
.thumb img { width: 100%; height: 100%; object-fit: cover; }
.thumb .ext { position: absolute; bottom: 4px; font-size: 9px; font-weight: 700; letter-spacing: .03em; }
.thumb .fi { width: 26px; height: 26px; margin-bottom: 8px; }
.body { min-width: 0; display: grid; gap: 4px; }
.name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.meta { font-size: 13px; color: var(--ferry-muted); display: flex; flex-wrap: wrap; gap: 0 8px; font-variant-numeric: tabular-nums; }
.meta > span:not(.status):not(.badge)::before { content: "·"; margin-inline-end: 8px; }
.status { font-weight: 600; display: inline-flex; align-items: center; gap: 4px; }
.status .i { width: 15px; height: 15px; }
.item .bar { height: 6px; }
.err { color: var(--ferry-danger); font-size: 13px; }
.badge { display: inline-flex; align-items: center; gap: 3px; font-size: 12px; font-weight: 700; padding: 1px 8px 1px 6px; border-radius: 99px; color: var(--ferry-success); background: color-mix(in srgb, var(--ferry-success) 12%, var(--ferry-bg)); }
.badge .i { width: 13px; height: 13px; }
.item .actions { display: flex; gap: 2px; }
.item[data-state="done"] .fill, .item[data-state="rapid"] .fill { background: var(--ferry-success); }
.item[data-state="done"] .status, .item[data-state="rapid"] .status { color: var(--ferry-success); }
.item[data-state="failed"] { border-color: color-mix(in srgb, var(--ferry-danger) 45%, var(--ferry-bg)); }
.item[data-state="failed"] .fill { background: var(--ferry-danger); }
.item[data-state="failed"] .status { color: var(--ferry-danger); }
.item[data-state="paused"] .fill { background: var(--ferry-muted); }
.item[data-state="canceled"] { opacity: .75; }
.item[data-state="canceled"] .fill { background: var(--ferry-muted); }
.item[data-state="hashing"] .fill, .item[data-state="queued"] .fill, .item[data-state="beginning"] .fill { background: color-mix(in srgb, var(--ferry-accent) 55%, var(--ferry-track)); }
@container (max-width: 430px) {
  .item { grid-template-columns: 40px minmax(0, 1fr); }
  .thumb { width: 40px; height: 40px; }
  .item .actions { grid-column: 1 / -1; justify-content: flex-end; }
}
@media (prefers-reduced-motion: reduce) { .bar .fill, .drop { transition: none; } }
@media (forced-colors: active) { .bar { border: 1px solid CanvasText; } .bar .fill { background: Highlight; } }
`;

let sheet = null;
function adoptStyles(root) {
  // A constructed stylesheet needs no 'unsafe-inline' in the page's CSP style-src.
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
    }
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    const style = document.createElement("style");
    style.textContent = STYLES;
    root.appendChild(style);
  }
}
