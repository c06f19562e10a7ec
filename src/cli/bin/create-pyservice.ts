#!/usr/bin/env node
import { runCommand } from '../main.js';
import { createCommand } from '../commands/create-command.js';

// No top-level await: the bundle of this bin is CommonJS (scripts/bundle.mjs). Until the command settles the
// exit code says failure, so a run that ends with the command still pending never reports success.
process.exitCode = 1;
void runCommand(createCommand, process.argv.slice(2)).then((code) => (process.exitCode = code));
