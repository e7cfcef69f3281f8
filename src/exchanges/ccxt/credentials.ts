/**
 * API credentials come from the environment (PARITY_API_KEY, PARITY_API_SECRET) or from a key file
 * that only its owner can read (mode 0600), never from the command line or the config file. The
 * values never reach a log: `redact` masks them in any text.
 */
import { readFileSync, statSync } from 'node:fs';
import { HaltError } from '../../engine/index.ts';

export interface Credentials {
  readonly apiKey: string;
  readonly secret: string;
}

/** Key file: JSON {"apiKey": "...", "secret": "..."} or two lines (key, then secret). */
export function readKeyFile(path: string): Credentials {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    throw new HaltError(`key file ${path} does not exist`);
  }
  if ((mode & 0o077) !== 0) {
    throw new HaltError(`key file ${path} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
  }
  const text = readFileSync(path, 'utf8').trim();
  let apiKey: unknown;
  let secret: unknown;
  if (text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      apiKey = j['apiKey'] ?? j['key'];
      secret = j['secret'] ?? j['apiSecret'];
    } catch {
      throw new HaltError(`key file ${path} is not valid JSON`);
    }
  } else {
    [apiKey, secret] = text.split(/\r?\n/).map((l) => l.trim());
  }
  if (typeof apiKey !== 'string' || apiKey === '' || typeof secret !== 'string' || secret === '') {
    throw new HaltError(`key file ${path} must hold an API key and a secret (JSON {"apiKey","secret"} or two lines)`);
  }
  return { apiKey, secret };
}

/** Credentials from a key file if given, else the environment, else none (public data only). */
export function resolveCredentials(keyFile: string | undefined, env: NodeJS.ProcessEnv): Credentials | undefined {
  if (keyFile !== undefined) return readKeyFile(keyFile);
  const apiKey = env['PARITY_API_KEY'];
  const secret = env['PARITY_API_SECRET'];
  if ((apiKey === undefined) !== (secret === undefined)) {
    throw new HaltError('set both PARITY_API_KEY and PARITY_API_SECRET, or neither');
  }
  return apiKey !== undefined && secret !== undefined ? { apiKey, secret } : undefined;
}

/** The local exchange's public demo key: not a secret, and masking the word "local" would garble logs. */
export const LOCAL_DEMO_CREDENTIALS: Credentials = { apiKey: 'local', secret: 'local' };

/** Real secrets to mask: none without keys, or with the local exchange's public demo key. */
function secretsIn(c: Credentials | undefined): c is Credentials {
  return c !== undefined && c !== LOCAL_DEMO_CREDENTIALS;
}

/** Masks every occurrence of the secrets in a text (logs, error messages). */
export function redact(text: string, c: Credentials | undefined): string {
  if (!secretsIn(c)) return text;
  let out = text;
  for (const s of [c.secret, c.apiKey]) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** A log record with the secrets masked anywhere inside it; the record itself when there are none. */
export function redactRecord(r: Record<string, unknown>, c: Credentials | undefined): Record<string, unknown> {
  return secretsIn(c) ? (JSON.parse(redact(JSON.stringify(r), c)) as Record<string, unknown>) : r;
}
