/** CRC-32 (IEEE), table-driven: a cheap checksum to detect torn or corrupted journal lines. */

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** CRC-32 of a string's UTF-16 code units folded to bytes (code units < 256 as is; others as two bytes). */
export function crc32(text: string): number {
  let c = -1;
  for (let i = 0; i < text.length; i++) {
    let u = text.charCodeAt(i);
    if (u > 0xff) {
      c = (TABLE[(c ^ (u >>> 8)) & 0xff] as number) ^ (c >>> 8);
      u &= 0xff;
    }
    c = (TABLE[(c ^ u) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ -1) >>> 0;
}

/** 8 lowercase hex digits. */
export function crcHex(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}
