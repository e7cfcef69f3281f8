/** The bundled XRPUSDT perpetual month (data/binance-xrpusdt-perp-2021-11) as raw CSV rows, header left out: what the funding tests calculate from independently. */
import { readFileSync } from 'node:fs';

export const XRP_PERP_DIR = 'data/binance-xrpusdt-perp-2021-11';

export const xrpPerpRows = (file: string): string[][] =>
  readFileSync(`${XRP_PERP_DIR}/${file}`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
