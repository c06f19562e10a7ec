// JavaScript source as pure ASCII: every other character becomes its \uXXXX escape (a surrogate pair, two).
// V8 keeps a one-byte source as one byte a character; a single "≥" in a comment made the whole 143 KB create
// bundle a two-byte string, decoded from UTF-8 on every run (~2% of create's instructions with the templates'
// module). The escape means the same character in strings, template literals, regular expressions and names;
// in a comment it is text. (Only String.raw would see the difference; the build checks none is used.)
export function asciiSource(text, file) {
  if (/\bString\.raw\b/.test(text)) throw new Error(`${file}: String.raw would see \\u escapes differently; keep it out of the bundles`);
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
