import encodeQR from 'qr';

/**
 * The otpauth URI as a QR code, an SVG drawn on the server from our own URI (no user input
 * reaches the markup but the login, inside the encoded data). Medium error correction and a
 * quiet zone, on a white ground so the code scans on any page colour.
 */
export function otpauthQrSvg(uri: string): string {
  const svg = encodeQR(uri, 'svg', { ecc: 'medium', border: 2 });
  return svg.replace(/^<svg ([^>]*)>/, '<svg $1><rect width="100%" height="100%" fill="#fff"/>');
}
