package sha1sum

import "math/bits"

// block runs SHA-1's compression over every 64-byte chunk of p (FIPS 180-4 §6.1.2), as
// crypto/sha1's portable code does.
func block(h *[5]uint32, p []byte) {
	var w [16]uint32
	h0, h1, h2, h3, h4 := h[0], h[1], h[2], h[3], h[4]
	for ; len(p) >= chunk; p = p[chunk:] {
		for i := range w {
			j := i * 4
			w[i] = uint32(p[j])<<24 | uint32(p[j+1])<<16 | uint32(p[j+2])<<8 | uint32(p[j+3])
		}
		a, b, c, d, e := h0, h1, h2, h3, h4
		for i := range 80 {
			if i >= 16 {
				x := w[(i-3)&0xf] ^ w[(i-8)&0xf] ^ w[(i-14)&0xf] ^ w[i&0xf]
				w[i&0xf] = bits.RotateLeft32(x, 1)
			}
			var f, k uint32
			switch {
			case i < 20:
				f, k = b&c|(^b)&d, 0x5A827999
			case i < 40:
				f, k = b^c^d, 0x6ED9EBA1
			case i < 60:
				f, k = (b|c)&d|b&c, 0x8F1BBCDC
			default:
				f, k = b^c^d, 0xCA62C1D6
			}
			t := bits.RotateLeft32(a, 5) + f + e + w[i&0xf] + k
			a, b, c, d, e = t, a, bits.RotateLeft32(b, 30), c, d
		}
		h0, h1, h2, h3, h4 = h0+a, h1+b, h2+c, h3+d, h4+e
	}
	h[0], h[1], h[2], h[3], h[4] = h0, h1, h2, h3, h4
}
