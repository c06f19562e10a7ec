#!/usr/bin/env node
import { pyserviceMain } from '../main.js';

process.exitCode = await pyserviceMain(process.argv.slice(2));
