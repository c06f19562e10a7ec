/**
 * Feature subcommands register here, one line each, so the dispatcher stays unchanged.
 * e.g. registerCommand('update', 'reapply template changes', async () => (await import('./update-command.js')).updateCommand);
 */
export {};
