// crop(png, {x, y, width, height}) cuts a rectangle out of an 8-bit RGB or RGBA,
// non-interlaced PNG (what WebDriver screenshots are) and returns it as a PNG. WebKitGTK's
// element screenshots come out black or cut short, its viewport screenshots are right: the
// webkit driver crops those.
"use strict";
const zlib = require("node:zlib");

function chunks(buf) {
  const out = [];
  for (let i = 8; i < buf.length;) {
    const n = buf.readUInt32BE(i);
    out.push({ type: buf.toString("latin1", i + 4, i + 8), data: buf.subarray(i + 8, i + 8 + n) });
    i += 12 + n;
  }
  return out;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

// unfilter undoes the PNG row filters (None, Sub, Up, Average, Paeth) into plain rows.
function unfilter(raw, w, h, bpp) {
  const stride = w * bpp;
  const out = Buffer.alloc(stride * h);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y ? out[row - stride + x] : 0;
      const c = x >= bpp && y ? out[row - stride + x - bpp] : 0;
      let p = raw[src + x];
      if (f === 1) p += a;
      else if (f === 2) p += b;
      else if (f === 3) p += (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (f !== 0) throw new Error(`png: unknown filter ${f}`);
      out[row + x] = p & 0xff;
    }
  }
  return out;
}

function crop(png, rect) {
  const all = chunks(png);
  const ihdr = all.find((c) => c.type === "IHDR").data;
  const w = ihdr.readUInt32BE(0), h = ihdr.readUInt32BE(4);
  const depth = ihdr[8], color = ihdr[9], interlace = ihdr[12];
  const bpp = { 2: 3, 6: 4 }[color];
  if (depth !== 8 || !bpp || interlace) throw new Error(`png: only 8-bit RGB(A) non-interlaced (depth ${depth}, colour ${color}, interlace ${interlace})`);
  const pixels = unfilter(zlib.inflateSync(Buffer.concat(all.filter((c) => c.type === "IDAT").map((c) => c.data))), w, h, bpp);
  const x0 = Math.max(0, Math.round(rect.x)), y0 = Math.max(0, Math.round(rect.y));
  const x1 = Math.min(w, Math.round(rect.x + rect.width)), y1 = Math.min(h, Math.round(rect.y + rect.height));
  if (x1 <= x0 || y1 <= y0) throw new Error(`png: ${JSON.stringify(rect)} is outside the ${w}x${h} screenshot`);
  const cw = x1 - x0, ch = y1 - y0;
  const raw = Buffer.alloc((cw * bpp + 1) * ch);
  for (let y = 0; y < ch; y++) pixels.copy(raw, y * (cw * bpp + 1) + 1, ((y0 + y) * w + x0) * bpp, ((y0 + y) * w + x1) * bpp);
  const head = Buffer.from(ihdr);
  head.writeUInt32BE(cw, 0);
  head.writeUInt32BE(ch, 4);
  return Buffer.concat([png.subarray(0, 8), chunk("IHDR", head), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

module.exports = { crop };
