import { shown } from '../secrets/redact.js';

/**
 * The one JSON parser for files people write (answers, .pyservice.json, team defaults, template manifests): its
 * error says where the text stops being JSON (line and column) and what was expected, never the text itself.
 * V8's own message quotes the file (`Unexpected token …, ..."password": <its first characters>"... is not valid
 * JSON`), and such a file may hold a password: measured, create-pyservice --answers with a password written
 * without its quotes printed the password's first characters on stderr.
 */
export class JsonSyntaxError extends Error {}

export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JsonSyntaxError(jsonProblem(text));
  }
  // A name given twice in one object: JSON.parse keeps the last, other readers the first, and a person reading the
  // file either (measured: an answers file with "name" twice made the project of the second, with no word).
  // Every property name in the text ends in `"` then `:` (blanks between), so the text has at least as many such
  // places as it names properties, more only where a string holds `":`; when that count equals the parsed value's
  // properties no name repeats, and the character-by-character scan (1.3 ms cold over the record and the nine
  // manifests, against 0.16 ms for JSON.parse) is skipped.
  if ((text.match(/"\s*:/g)?.length ?? 0) !== propertyCount(value) && scan(text)) throw new JsonSyntaxError(jsonProblem(text));
  return value;
}

/** How many properties the objects of a parsed JSON value hold, nested ones included. */
function propertyCount(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  let n = 0;
  if (Array.isArray(v)) for (const x of v) n += propertyCount(x);
  else for (const x of Object.values(v)) n += 1 + propertyCount(x);
  return n;
}

/** Where and why `text` is not JSON, or names a property twice in one object, in words that quote none of its values. */
export function jsonProblem(text: string): string {
  const { at, why } = scan(text) ?? { at: text.length, why: 'not valid JSON' }; // JSON.parse refused what this accepts: no place to name
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}: ${why}`;
}

/**
 * The offset of the first place `text` stops being JSON (RFC 8259), and what was expected there; or of a property
 * name an object already has. Null when neither.
 */
function scan(text: string): { at: number; why: string } | null {
  let i = 0;
  const fail = (why: string): never => {
    throw { at: i, why };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const c of word) if (text[i++] !== c) (i--, fail('unexpected character'));
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('the text ends inside a string');
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail('a control character (a line break?) inside a string: escape it');
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          const u = i;
          for (i = u + 1; i < u + 5; i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('a \\u escape needs four hexadecimal digits');
        } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i]!)) i++;
        else fail('a backslash that starts no JSON escape (write \\\\ for one backslash)');
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === undefined) fail('the text ends where a value was expected');
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      const names = new Set<string>();
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === undefined ? 'the text ends inside an object' : 'a property name in double quotes was expected');
        const start = i;
        string();
        const name = JSON.parse(text.slice(start, i)) as string;
        if (names.has(name)) {
          i = start;
          fail(`the property ${shown(name.length > 40 ? `${name.slice(0, 40)}…` : name)} is given twice in this object (readers keep one or the other); keep one`);
        }
        names.add(name);
        ws();
        if (text[i] !== ':') fail("':' was expected after the property name");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') (i++);
        else if (text[i] === '}') return void i++;
        else fail(text[i] === undefined ? 'the text ends inside an object' : "',' or '}' was expected after the value (a missing comma or quote?)");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') (i++);
        else if (text[i] === ']') return void i++;
        else fail(text[i] === undefined ? 'the text ends inside a list' : "',' or ']' was expected after the value (a missing comma or quote?)");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c !== undefined && (c === '-' || (c >= '0' && c <= '9'))) return number();
    fail(c === "'" ? 'strings take double quotes, not single' : 'unexpected character (a string without its double quotes?)');
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('more text after the JSON value');
  } catch (e) {
    if (e && typeof e === 'object' && 'why' in e) return e as { at: number; why: string };
    throw e;
  }
  return null;
}
