import { mergeNetrcLogin, type NetrcLogin, type NetrcMerge } from './netrc.js';
import { pythonAuthenticators, readNetrcLikePython, PythonNetrcError, type PythonNetrc } from './python-netrc.js';

/** The merge is well-formed netrc, but pip (Python's netrc module) would not read it as intended. */
export class NetrcUnreadableError extends Error {}

function readForPip(text: string, what: string): PythonNetrc {
  try {
    return readNetrcLikePython(text);
  } catch (err) {
    if (!(err instanceof PythonNetrcError)) throw err;
    throw new NetrcUnreadableError(`${what}: Python's netrc module, which pip uses, stops at line ${err.line} (${err.reason}), and pip then ignores the whole file; fix that line and rerun`);
  }
}

const same = (x: readonly string[] | undefined, y: readonly string[] | undefined) => x !== undefined && y !== undefined && x.length === y.length && x.every((v, i) => v === y[i]);

/**
 * The merge, checked against the reader that matters: after it, pip must find exactly `want` for the host, and
 * every other host and macro must read as before. Throws instead of writing a file pip would misread.
 */
export function planNetrcLogin(text: string, want: NetrcLogin): NetrcMerge {
  const before = readForPip(text, 'the file as it is cannot be read by pip');
  const merged = mergeNetrcLogin(text, want);
  const after = readForPip(merged.text, 'the merged file would not be readable by pip');
  const got = pythonAuthenticators(after, want.host);
  if (!got || got[0] !== want.login || got[2] !== want.password)
    throw new NetrcUnreadableError(
      `pip would not use the entry for ${want.host}: Python's netrc module reads another one (for example a "# machine ${want.host}" line after an empty line, which it counts as an entry; the last entry wins); remove the other entry and rerun`,
    );
  for (const [host, v] of before.hosts) if (host !== want.host && !same(after.hosts.get(host), v)) throw new NetrcUnreadableError(`the merge would change how pip reads the entry for ${host}; please report this`);
  for (const [name, body] of before.macros) if (!same(after.macros.get(name), body)) throw new NetrcUnreadableError(`the merge would change the macro ${name}; please report this`);
  return merged;
}
