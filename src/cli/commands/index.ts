/**
 * Feature subcommands register here, one line each, so the dispatcher stays unchanged.
 * e.g. registerCommand('update', 'reapply template changes', async () => (await import('./update-command.js')).updateCommand);
 */
import { registerCommand } from '../main.js';

registerCommand('login', 'save your read-only index login in ~/.netrc (mode 0600, merged)', async () => (await import('./login-command.js')).loginCommand);
registerCommand('version', 'stamp debian/changelog with a snapshot or release version (runs debian/pyservice-version)', async () => (await import('./version-command.js')).versionCommand);
registerCommand('deb', 'add a debian/ directory (dh-virtualenv) to an existing Python project', async () => (await import('./deb-command.js')).debCommand);
registerCommand('update', 'bring template improvements into this project (three-way merge, your changes kept)', async () => (await import('./update-command.js')).updateCommand);
registerCommand('check', 'tell whether the project uses the latest templates (exit 3 when behind)', async () => (await import('./check-command.js')).checkCommand);
registerCommand('template', "start (init) or validate (check) your team's own templates", async () => (await import('./template-command.js')).templateCommand);
