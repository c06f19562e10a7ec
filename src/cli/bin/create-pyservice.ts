#!/usr/bin/env node
import { runCommand } from '../main.js';
import { createCommand } from '../commands/create-command.js';

process.exitCode = await runCommand(createCommand, process.argv.slice(2));
