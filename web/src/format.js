// Numbers for people and from attributes: byte sizes shown per locale, "8MiB" and integer attributes.

const numberFormats = new Map();
function formatBytes(n, locale, units) {
  n = Number(n) || 0;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  const digits = i === 0 ? 0 : n < 10 ? 1 : 0;
  const key = locale + digits;
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(locale, { maximumFractionDigits: digits }));
  return `${numberFormats.get(key).format(n)} ${units[i]}`;
}

// parseSize("100MB") = 100e6, parseSize("8MiB") = 8·2^20, parseSize("512") = 512 bytes.
function parseSize(v) {
  if (v === null || v === undefined || v === "") return undefined;
  if (typeof v === "number") return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(String(v));
  if (!m) return undefined;
  const pow = " kmgt".indexOf((m[2] || " ").toLowerCase());
  const unit = m[3] ? 1024 : 1000;
  return Math.round(parseFloat(m[1]) * Math.pow(unit, Math.max(0, pow)));
}

function parseIntAttr(v) {
  if (v === null || v === undefined || v === "") return undefined;
  const n = parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
