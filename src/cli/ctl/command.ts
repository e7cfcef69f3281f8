/**
 * `parity ctl <action>`: controls a running headless Parity (`parity run --no-ui`) through the
 * control socket in its state directory. Prints the answer (for `status`, a short summary: see
 * status.ts), or the raw response with --json. Exit codes: 0 done, 1 refused or no Parity
 * reachable, 2 usage (nothing is sent).
 * A reason is required for resume, resolve, flatten and halt (it goes to the audit journal); pause
 * has a default one, so a quick `parity ctl pause` works in an emergency. Leaving HALTED or a state
 * the engine entered by itself takes `resume --confirm`; a diff waiting for the operator takes
 * `resolve <diff-id> --adopt|--flatten`.
 */
import { Argument, type Command } from 'commander';
import { CTL_COMMANDS, CtlError, sendControl, type CtlRequest, type CtlResponse } from '../../workstation/control-socket.ts';
import { UserError } from '../errors.ts';

type Action = (typeof CTL_COMMANDS)[number];

const DEFAULT_PAUSE_REASON = 'operator pause via ctl';

interface Flags {
  readonly stateDir?: string;
  readonly reason?: string;
  readonly json?: boolean;
  readonly config?: string;
  readonly confirm?: boolean;
  readonly adopt?: boolean;
  readonly flatten?: boolean;
}

export function addCtlCommand(program: Command): void {
  program
    .command('ctl')
    .description('control a running headless Parity (parity run --no-ui) through its control socket')
    .addArgument(new Argument('<action>', 'what to do').choices(CTL_COMMANDS))
    .addArgument(new Argument('[diff-id]', 'for resolve: the diff waiting for a choice (parity ctl status lists them)'))
    .option('--state-dir <dir>', 'state directory of the running Parity (default: stateDir from the config, else ./state)')
    .option('--reason <text>', 'why, for the audit journal: required for resume, resolve, flatten and halt (pause defaults to "operator pause via ctl")')
    .option('--confirm', 'resume: leave HALTED or a state the engine entered by itself (refused without it)')
    .option('--adopt', "resolve: take the venue's truth for the diff")
    .option('--flatten', "resolve: close the diff's symbol out at market")
    .option('--json', 'print the raw response as one JSON line')
    .option('-c, --config <file>', 'config file (default ./parity.config.json if present)')
    .action(async (action: Action, diffId: string | undefined, flags: Flags) => {
      const req = requestFor(action, diffId, flags);
      // The config file (and its schema) loads only when it is needed: without --state-dir.
      const stateDir = flags.stateDir ?? (await (await import('../../config/config.ts')).loadConfig(flags.config)).stateDir ?? 'state';
      let res: CtlResponse;
      try {
        res = await sendControl(stateDir, req);
      } catch (err) {
        if (err instanceof CtlError) throw new UserError(err.message, 1);
        throw err;
      }
      if (flags.json === true) process.stdout.write(`${JSON.stringify(res)}\n`);
      if (!res.ok) throw new UserError(await refusal(req, res.message, flags), 1);
      if (flags.json === true) return;
      const lines = [res.message];
      if (res.status !== undefined) lines.push(...(await import('./status.ts')).formatStatus(res.status, flags));
      process.stdout.write(`${lines.filter((l) => l !== '').join('\n')}\n`);
    });
}

/** The desk's refusal; for an unconfirmed resume, also how to confirm it. */
async function refusal(req: CtlRequest, message: string, flags: Flags): Promise<string> {
  if (req.cmd !== 'resume' || req.confirmed || message.includes('--confirm')) return message;
  const { ctlCommand } = await import('./status.ts');
  return `${message}\nnothing was changed; once you have checked, resume with: ${ctlCommand(['resume', '--reason', req.reason, '--confirm'], flags)}`;
}

function reasonFor(action: Action, reasonFlag: string | undefined, example: string): string {
  const given = reasonFlag?.trim();
  if (given !== undefined && given !== '') return given;
  if (action === 'pause' && reasonFlag === undefined) return DEFAULT_PAUSE_REASON;
  throw new UserError(`parity ctl ${action} needs a reason for the audit journal: pass --reason "<why>", e.g. parity ctl ${example}`, 2);
}

/** The request for the command line, or a usage error (exit 2) before anything is sent. */
function requestFor(action: Action, diffId: string | undefined, flags: Flags): CtlRequest {
  const choices = [flags.adopt === true ? ('adopt' as const) : undefined, flags.flatten === true ? ('flatten' as const) : undefined].filter((c) => c !== undefined);
  if (action !== 'resolve') {
    if (diffId !== undefined) throw new UserError(`parity ctl ${action} takes no diff id ("${diffId}" given); only resolve does; nothing was sent`, 2);
    if (choices.length > 0) throw new UserError('--adopt and --flatten are for parity ctl resolve <diff-id> only; nothing was sent', 2);
  }
  if (action !== 'resume' && flags.confirm === true) {
    throw new UserError('--confirm is for parity ctl resume only (leaving HALTED or a state the engine set); nothing was sent', 2);
  }
  switch (action) {
    case 'status':
    case 'reconcile':
      return { cmd: action };
    case 'resume':
      return { cmd: action, reason: reasonFor(action, flags.reason, 'resume --reason "funding spike"'), confirmed: flags.confirm === true };
    case 'resolve': {
      if (diffId === undefined || diffId.trim() === '') {
        throw new UserError('parity ctl resolve needs the id of the diff: parity ctl status lists those waiting for a choice, e.g. parity ctl resolve d3 --adopt --reason "venue is right"', 2);
      }
      const [choice] = choices;
      if (choice === undefined || choices.length > 1) {
        throw new UserError("parity ctl resolve needs exactly one of --adopt (take the venue's truth) or --flatten (close the symbol out)", 2);
      }
      const reason = reasonFor(action, flags.reason, `resolve ${diffId} --${choice} --reason "venue is right"`);
      return { cmd: action, diffId: diffId.trim(), choice, reason };
    }
    default:
      return { cmd: action, reason: reasonFor(action, flags.reason, `${action} --reason "funding spike"`) };
  }
}
