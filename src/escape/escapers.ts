/**
 * One escaper per target format. Templates call these explicitly (ejs's `<%=` HTML escaping is
 * disabled on purpose: it is wrong for every format we emit). Each function either returns text that the
 * target's own parser reads back as exactly `value`, or throws EscapeError when the format cannot carry
 * the value (answers are validated before rendering, so a throw here is a bug, not a user error).
 */
export class EscapeError extends Error {}

const CONTROL = /[\u0000-\u001f\u007f]/;
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/;

function requireOneLine(value: string, format: string): void {
  if (LINE_BREAKS.test(value)) throw new EscapeError(`${format} value must be one line: ${JSON.stringify(value)}`);
}

function requireNoControl(value: string, format: string): void {
  if (CONTROL.test(value)) throw new EscapeError(`${format} value has a control character: ${JSON.stringify(value)}`);
}

/** Python str literal, double-quoted. Non-ASCII stays literal (files are UTF-8, PEP 3120). */
export function pyString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029)
      out += code < 0x100 ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** A Python list literal of str. */
export function pyList(values: readonly string[]): string {
  return '[' + values.map(pyString).join(', ') + ']';
}

/** YAML double-quoted scalar. JSON strings are valid YAML 1.2 double-quoted scalars; NEL/LS/PS are escaped too. */
export function yamlString(value: string): string {
  return JSON.stringify(value).replace(/[\u0085\u2028\u2029\u007f\ufeff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** TOML basic string. Same escapes as JSON, plus DEL which TOML forbids raw. */
export function tomlString(value: string): string {
  return JSON.stringify(value).replace(/\u007f/g, '\\u007F');
}

/** A value on the right-hand side of a Makefile variable assignment (`$` and `#` are special there). */
export function makeValue(value: string): string {
  requireOneLine(value, 'Makefile');
  requireNoControl(value, 'Makefile');
  if (/\\$/.test(value)) throw new EscapeError('Makefile value must not end with a backslash');
  return value.replace(/\$/g, '$$$$').replace(/#/g, '\\#');
}

/** POSIX shell word: single quotes, with embedded single quotes closed, escaped and reopened. */
export function shellWord(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return "'" + value.replace(/'/g, "'\\''") + "'";
}

/** A single-line deb822 field value (debian/control, debian/copyright). */
export function debField(value: string): string {
  requireOneLine(value, 'deb822');
  requireNoControl(value, 'deb822');
  const trimmed = value.trim();
  if (trimmed === '') throw new EscapeError('deb822 field must not be empty');
  return trimmed;
}

/**
 * deb822 Description: synopsis on the first line, extended description folded below it,
 * each line indented by one space, blank lines as " .".
 */
export function debDescription(synopsis: string, extended = ''): string {
  const head = debField(synopsis);
  const body = extended
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .map((line) => {
      requireNoControl(line.replace(/\t/g, ' '), 'deb822');
      return line === '' ? ' .' : ' ' + (line.startsWith('.') ? ' ' + line : line);
    });
  while (body.length && body[body.length - 1] === ' .') body.pop();
  while (body.length && body[0] === ' .') body.shift();
  return [head, ...body].join('\n');
}

/** One line of text in a debian/changelog entry (indented by the template). */
export function changelogLine(value: string): string {
  requireOneLine(value, 'changelog');
  requireNoControl(value, 'changelog');
  return value.trim();
}

/**
 * A systemd unit setting value. `%` starts a specifier, `\` starts an escape in systemd's C-style
 * unquoting for Description= and ExecStart= arguments, and leading/trailing blanks are dropped.
 */
export function systemdValue(value: string): string {
  requireOneLine(value, 'systemd');
  requireNoControl(value, 'systemd');
  // A line ending in a backslash continues on the next one (systemd.syntax(7)): the next setting would be swallowed
  if (/\\$/.test(value.trim())) throw new EscapeError('systemd value must not end with a backslash');
  return value.trim().replace(/%/g, '%%');
}

/** An INI value as read by pip and twine (RawConfigParser: no interpolation, no inline comments). */
export function iniValue(value: string): string {
  requireOneLine(value, 'INI');
  requireNoControl(value, 'INI');
  if (value !== value.trim()) throw new EscapeError('INI value must not start or end with blanks');
  return value;
}

/** A Dockerfile double-quoted string (LABEL, ENV): `\`, `"` and `$` are special. */
export function dockerString(value: string): string {
  requireOneLine(value, 'Dockerfile');
  requireNoControl(value, 'Dockerfile');
  return '"' + value.replace(/[\\"$]/g, (c) => '\\' + c) + '"';
}

/** A Groovy single-quoted string (no GString interpolation), for Jenkinsfiles. */
export function groovyString(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r') + "'";
}

/** A Markdown inline text: keep it literal by escaping Markdown punctuation and HTML brackets. */
export function mdText(value: string): string {
  return value.replace(/[\\`*_{}\[\]()#+\-.!|<>]/g, (c) => '\\' + c);
}

export const esc = {
  py: pyString,
  pyList,
  yaml: yamlString,
  toml: tomlString,
  make: makeValue,
  sh: shellWord,
  deb: debField,
  debDescription,
  changelog: changelogLine,
  systemd: systemdValue,
  ini: iniValue,
  docker: dockerString,
  groovy: groovyString,
  md: mdText,
};
export type Escapers = typeof esc;
