#!/usr/bin/env node
import { runCommand } from '../cli/main.js';
import { createCommand } from '../cli/commands/create-command.js';

process.exitCode = await runCommand(createCommand, process.argv.slice(2));
