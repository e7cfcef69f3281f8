#!/usr/bin/env node
// Entry point: registers tsx so TypeScript sources and user strategies load directly (no build step),
// then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
