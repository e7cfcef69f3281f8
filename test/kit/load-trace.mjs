// A module loader hook that appends the URL of every module Node loads to the file named by
// $PARITY_LOAD_TRACE, one a line: what a command really loads at start-up (test/cli/startup.test.ts).
import { appendFileSync } from 'node:fs';

export async function load(url, context, next) {
  if (!url.startsWith('node:')) appendFileSync(process.env.PARITY_LOAD_TRACE, `${url}\n`);
  return next(url, context);
}
