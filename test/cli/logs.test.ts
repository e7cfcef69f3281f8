/**
 * The session log: every record has a level and a short message; when stdout is the journal (as
 * systemd tells through JOURNAL_STREAM) each line carries the syslog priority journald reads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leveled } from '../../src/cli/run/logs.ts';
import { ROOT } from '../kit/cli.ts';

describe('session log records', () => {
  it('get a level from their kind and keep the message as msg', () => {
    expect(leveled({ kind: 'halt', message: 'journal down' })).toMatchObject({ level: 'error', msg: 'journal down' });
    expect(leveled({ kind: 'diff', severity: 'critical', message: 'x' })).toMatchObject({ level: 'error' });
    expect(leveled({ kind: 'started' })).toMatchObject({ level: 'info', msg: 'started' });
    expect(leveled({ kind: 'event', level: 'debug', msg: 'OrderSubmitted P-1' })).toMatchObject({ level: 'debug', msg: 'OrderSubmitted P-1' });
  });

  it('carry the syslog priority prefix only when stdout is the journal stream', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-logs-'));
    const script = `import { stdoutLog } from './src/cli/run/logs.ts'; const l = stdoutLog(); l.write({ kind: 'halt', message: 'x' }); l.write({ kind: 'started' });`;
    const run = (journal: boolean): string => {
      const file = join(dir, journal ? 'journal.out' : 'plain.out');
      const fd = openSync(file, 'w');
      const st = statSync(file);
      const env = { ...process.env, ...(journal ? { JOURNAL_STREAM: `${st.dev}:${st.ino}` } : { JOURNAL_STREAM: '1:2' }) };
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env, stdio: ['ignore', fd, 'pipe'] });
      expect(r.status).toBe(0);
      return readFileSync(file, 'utf8');
    };
    const [a, b] = run(true).trim().split('\n');
    expect(a).toMatch(/^<3>\{/);
    expect(b).toMatch(/^<6>\{/);
    expect(JSON.parse((a as string).slice(3))).toMatchObject({ level: 'error', msg: 'x' });
    const plain = run(false).trim().split('\n');
    expect(plain.every((l) => l.startsWith('{'))).toBe(true);
  });
});
