import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Where an adopted daemon keeps its state by default, read from its own sources: the string literals of its Python
 * files that name a folder under /var/lib, /var/log, /var/cache or /var/spool other than the package's own
 * /var/lib/PKG. The unit a service gets (templates 1.3.0 … 1.6.0) lets it write only /var/lib/PKG (StateDirectory,
 * its working directory; ProtectSystem=strict makes the rest read-only), and the user it runs as owns nothing else.
 * Measured: radicale 3.5.3 (Debian source) as acme-radicale, run from its ExecStart line with the shipped empty
 * DAEMON_ARGS as the service user: 'An exception occurred during server startup: [Errno 13] Permission denied:
 * '/var/lib/radicale'' (its storage default, radicale/config.py); with --storage-filesystem-folder under
 * /var/lib/acme-radicale it served. Whether the program writes a path it names is not in its metadata: the note
 * names the paths and where they are, for the team to point them at /var/lib/PKG.
 * /run and /var/run are left out: there a daemon mostly connects to other programs' sockets (radicale names
 * dovecot's and the journal's).
 */
const SKIP_DIRS = new Set(['.git', '.hg', '.tox', '.nox', '.venv', 'venv', 'node_modules', 'debian', 'build', 'dist', 'test', 'tests', 'testing', 'doc', 'docs', 'examples', 'example', '__pycache__']);
const MAX_FILES = 4000;
const MAX_BYTES = 2 * 1024 * 1024;
const LITERAL = /["']((?:\/var\/(?:lib|log|cache|spool))\/[A-Za-z0-9._+@-][^"'\s]*)["']/g;

export interface StatePath {
  path: string;
  /** project-relative file:line of its first mention */
  where: string;
}

export function daemonStatePaths(dir: string, debName: string, limit = 4): StatePath[] {
  const found = new Map<string, string>();
  const own = `/var/lib/${debName}`;
  let files = 0;
  const walk = (folder: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(folder).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (files >= MAX_FILES || found.size >= limit) return;
      const path = join(folder, name);
      let st;
      try {
        st = lstatSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith('.')) walk(path);
        continue;
      }
      // a regular .py file only: never a FIFO, a device or a symlink out of the project
      if (!st.isFile() || !name.endsWith('.py') || st.size > MAX_BYTES || /^test_|_test\.py$/.test(name)) continue;
      files++;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (found.size >= limit || /^\s*#/.test(line)) return;
        for (const m of line.matchAll(LITERAL)) {
          const p = m[1]!.replace(/\/+$/, '');
          if (p === own || p.startsWith(own + '/') || found.has(p) || found.size >= limit) continue;
          found.set(p, `${relative(dir, path)}:${i + 1}`);
        }
      });
    }
  };
  walk(dir);
  return [...found].map(([path, where]) => ({ path, where }));
}

/** The note for a service whose sources name such paths, or null. */
export function statePathsNote(paths: readonly StatePath[], command: string, debName: string): string | null {
  if (paths.length === 0) return null;
  return (
    `${command}'s sources name state folders outside /var/lib/${debName}: ${paths.map((p) => `${p.path} (${p.where})`).join(', ')}. ` +
    `The unit lets the service write only /var/lib/${debName} (its working directory; the rest of the system is read-only to it, and its user owns nothing there): ` +
    `where ${command} writes one of these by default, point it under /var/lib/${debName} in DAEMON_ARGS or its configuration, or it fails with "Permission denied"`
  );
}
