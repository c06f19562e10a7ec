#!/usr/bin/env node
import { pyserviceMain } from '../main.js';

// No top-level await: the bundle of this bin is CommonJS (scripts/bundle.mjs). Until the command settles the
// exit code says failure, so a run that ends with the command still pending never reports success.
process.exitCode = 1;
void pyserviceMain(process.argv.slice(2)).then((code) => (process.exitCode = code));
