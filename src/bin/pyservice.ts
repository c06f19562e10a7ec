#!/usr/bin/env node
import { pyserviceMain } from '../cli/main.js';

process.exitCode = await pyserviceMain(process.argv.slice(2));
