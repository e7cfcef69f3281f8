/** A tiny `parity` with only the exchange command, for the CLI test to run as a real process. */
import { Command } from 'commander';
import { addExchangeCommand } from '../../src/cli/exchange/command.ts';

const program = new Command('parity');
addExchangeCommand(program);
await program.parseAsync(process.argv);
