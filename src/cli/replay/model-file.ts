/**
 * `--model FILE`: the simulated venue's models from a JSON file, over the ones a session recorded
 * (or the defaults). The file holds any part of VenueModels (fractions, as in src/paper/models.ts):
 *
 *   {"fees": {"maker": 0.0002, "taker": 0.0005}, "latency": {"kind": "lognormal", "medianMs": 40, "p99Ms": 300}}
 *
 * `latency` may also be the flag's text ("lognormal:40,300") or `{"kind": "empirical", "samplesMs": [...]}`
 * (what `parity calibrate` writes); `calibration`, what a fit was made from, is for people and
 * ignored here. Unknown keys and wrong types are
 * refused with the key's name: a model that is silently half-read would replay something else.
 */
import { readFileSync } from 'node:fs';
import { parseLatency, type LatencyModel, type VenueModels } from '../../paper/index.ts';
import { UserError } from '../errors.ts';

const GROUPS = {
  fees: ['maker', 'taker'],
  spread: ['bps', 'ticks'],
  slippage: ['fixedBps', 'impact'],
  fills: ['maxParticipation', 'rangeCap', 'takerPieces'],
} as const;

const LATENCY_FIELDS: Record<string, readonly string[]> = { fixed: ['ms'], uniform: ['minMs', 'maxMs'], lognormal: ['medianMs', 'p99Ms'], empirical: ['samplesMs'] };

/** What `parity calibrate` fitted the file from (sample counts, fit quality): read by people, not by the simulator. */
const INFORMATION = 'calibration';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function latencyOf(v: unknown, bad: (key: string, what: string) => UserError): LatencyModel {
  if (typeof v === 'string') {
    try {
      return parseLatency(v);
    } catch (err) {
      throw bad('latency', (err as Error).message);
    }
  }
  if (!isObject(v) || typeof v['kind'] !== 'string' || LATENCY_FIELDS[v['kind']] === undefined)
    throw bad('latency', 'expected {"kind": "fixed"|"uniform"|"lognormal"|"empirical", ...} or text like "lognormal:25,120"');
  const fields = LATENCY_FIELDS[v['kind']] as readonly string[];
  for (const k of Object.keys(v)) if (k !== 'kind' && !fields.includes(k)) throw bad(`latency.${k}`, `not a field of a ${v['kind']} latency (${fields.join(', ')})`);
  if (v['kind'] === 'empirical') {
    const xs = v['samplesMs'];
    if (!Array.isArray(xs) || xs.length === 0) throw bad('latency.samplesMs', 'expected a non-empty list of ms');
    const at = xs.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0);
    if (at !== -1) throw bad(`latency.samplesMs[${at}]`, 'expected a number of ms >= 0');
    return { kind: 'empirical', samplesMs: xs as number[] };
  }
  for (const f of fields) if (typeof v[f] !== 'number' || !Number.isFinite(v[f]) || v[f] < 0) throw bad(`latency.${f}`, 'expected a number of ms >= 0');
  return v as unknown as LatencyModel;
}

/** The models in `file` over `base`; a UserError naming the file and key when it does not parse. */
export function loadModelFile(file: string, base: VenueModels): VenueModels {
  const bad = (key: string, what: string): UserError => new UserError(`--model ${file}: ${key}: ${what}. Nothing was run; fix the file (docs/recording.md shows its shape).`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`--model ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Nothing was run.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`--model ${file}: not JSON (${(err as Error).message}). Nothing was run; the file must hold one JSON object of venue models (docs/recording.md).`);
  }
  if (!isObject(doc)) throw bad('(top level)', 'expected a JSON object');
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(doc)) {
    if (key === INFORMATION) continue;
    if (key === 'latency') {
      out['latency'] = latencyOf(value, bad);
      continue;
    }
    const fields = (GROUPS as Record<string, readonly string[]>)[key];
    if (fields === undefined) throw bad(key, `unknown key (expected ${[...Object.keys(GROUPS), 'latency'].join(', ')})`);
    if (!isObject(value)) throw bad(key, 'expected an object');
    for (const [f, x] of Object.entries(value)) {
      if (!fields.includes(f)) throw bad(`${key}.${f}`, `unknown field (expected ${fields.join(', ')})`);
      if (f === 'rangeCap') {
        if (typeof x !== 'boolean') throw bad(`${key}.${f}`, 'expected true or false');
      } else if (f === 'takerPieces') {
        const ok =
          isObject(x) &&
          Object.keys(x).every((k) => k === 'share' || k === 'pieces') &&
          typeof x['share'] === 'number' &&
          x['share'] >= 0 &&
          x['share'] <= 1 &&
          typeof x['pieces'] === 'number' &&
          x['pieces'] >= 1 &&
          x['pieces'] <= 1000;
        if (!ok) throw bad(`${key}.${f}`, 'expected {"share": 0..1, "pieces": 1..1000}');
      } else if (typeof x !== 'number' || !Number.isFinite(x)) throw bad(`${key}.${f}`, 'expected a number');
    }
    out[key] = { ...(base[key as keyof VenueModels] as object), ...value };
  }
  return out as unknown as VenueModels;
}

/** Whether the model file `file` (already loaded once: it parses) sets `key`. */
export function modelFileSets(file: string, key: string): boolean {
  try {
    const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isObject(doc) && doc[key] !== undefined;
  } catch {
    return false;
  }
}
