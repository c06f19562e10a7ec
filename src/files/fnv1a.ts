/**
 * FNV-1a over a string's UTF-16 code units, as 8 hex digits: the one non-cryptographic hash for cache file names
 * and buckets (names, paths, list sizes and times: nothing an attacker chooses; the caches are private folders).
 * node:crypto is not loaded for these: it costs a start-up (create, deb) ~3 ms before the first file is written.
 */
export function fnv1a(text: string, seed = 0x811c9dc5): string {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
