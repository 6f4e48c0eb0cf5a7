import decodeQR from 'qr/decode.js';
import { describe, expect, it } from 'vitest';
import { totpUri } from './totp.js';
import { otpauthQrSvg } from './qrCode.js';

/** Draws the SVG's unit squares into an RGBA bitmap (4 pixels a module), as a camera would see it. */
function rasterize(svg: string) {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const path = /<path d="([^"]+)"/.exec(svg)![1]!;
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of path.matchAll(/([Mm])(-?\d+) (-?\d+)h1v1[Hh]-?\d+Z/g)) {
    x = op === 'M' ? Number(a) : x + Number(a);
    y = op === 'M' ? Number(b) : y + Number(b);
    dark.add(`${x},${y}`);
  }
  const scale = 4;
  const width = size * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let py = 0; py < width; py++)
    for (let px = 0; px < width; px++)
      if (dark.has(`${Math.floor(px / scale)},${Math.floor(py / scale)}`)) {
        const i = (py * width + px) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
  return { width, height: width, data, modules: dark.size };
}

describe('otpauthQrSvg', () => {
  it('draws a QR code that scans back to the otpauth URI', () => {
    const uri = totpUri('Zoë’s Blog', 'zoe', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    const svg = otpauthQrSvg(uri);
    expect(svg).toMatch(/^<svg viewBox="0 0 \d+ \d+" xmlns="http:\/\/www\.w3\.org\/2000\/svg">/);
    expect(svg).toContain('<rect width="100%" height="100%" fill="#fff"/>');
    const image = rasterize(svg);
    expect(image.modules).toBeGreaterThan(300);
    expect(decodeQR(image)).toBe(uri);
  });
});
