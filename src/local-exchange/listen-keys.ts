/**
 * User-data stream keys (POST/PUT/DELETE /fapi/v1/listenKey). One account, so one key at a time:
 * POST returns the live key (extending it) or mints a new one from the seeded RNG; a key lives 60
 * wall-clock minutes after its last keep-alive. Expired or deleted keys lose their connections.
 */
import type { Rng } from '../engine/index.ts';
import { err } from './errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const LISTEN_KEY_VALIDITY_MS = 60 * 60_000;

export class ListenKeys {
  private key: { value: string; expires: number } | undefined;

  constructor(
    private readonly rng: Rng,
    private readonly onGone: (key: string, why: 'expired' | 'deleted') => void,
  ) {}

  create(now: number): string {
    if (this.key === undefined || this.key.expires <= now) {
      if (this.key !== undefined) this.onGone(this.key.value, 'expired');
      let v = '';
      for (let i = 0; i < 64; i++) v += ALPHABET[Math.floor(this.rng.next() * ALPHABET.length)];
      this.key = { value: v, expires: 0 };
    }
    this.key.expires = now + LISTEN_KEY_VALIDITY_MS;
    return this.key.value;
  }

  /** PUT: extends the live key (the `listenKey` parameter is optional, as on fapi). */
  keepAlive(now: number, key: string | undefined): string {
    if (this.key === undefined || this.key.expires <= now || (key !== undefined && key !== this.key.value)) throw err(-1125);
    this.key.expires = now + LISTEN_KEY_VALIDITY_MS;
    return this.key.value;
  }

  remove(key: string | undefined): void {
    if (this.key === undefined || (key !== undefined && key !== this.key.value)) throw err(-1125);
    const v = this.key.value;
    this.key = undefined;
    this.onGone(v, 'deleted');
  }

  valid(key: string, now: number): boolean {
    return this.key !== undefined && this.key.value === key && this.key.expires > now;
  }

  /** Expires the key if its time is up (called periodically). */
  sweep(now: number): void {
    if (this.key !== undefined && this.key.expires <= now) {
      const v = this.key.value;
      this.key = undefined;
      this.onGone(v, 'expired');
    }
  }
}
