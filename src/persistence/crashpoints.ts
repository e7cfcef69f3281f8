/**
 * Crash points for the crash test harness: PARITY_CRASH_AT="name:n,..." makes the process kill
 * itself with SIGKILL the n-th time it passes the named point (e.g. "after-submit-sent:3",
 * "before-journal-flush:5", "mid-snapshot:1"), so the harness can crash exactly between two
 * steps that random timing would rarely hit. Unset in production: one Map lookup per point.
 */

const plan = new Map<string, number>();
const seen = new Map<string, number>();
for (const part of (process.env['PARITY_CRASH_AT'] ?? '').split(',')) {
  const [name, n] = part.split(':');
  if (name !== undefined && name !== '' && n !== undefined && Number(n) > 0) plan.set(name, Number(n));
}

export function crashpoint(name: string): void {
  if (plan.size === 0) return;
  const target = plan.get(name);
  if (target === undefined) return;
  const count = (seen.get(name) ?? 0) + 1;
  seen.set(name, count);
  if (count === target) process.kill(process.pid, 'SIGKILL');
}
