/** Seeded PRNG (mulberry32) so a failing fuzz case can be replayed with FUZZ_SEED=<seed>. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed CI uses when FUZZ_SEED is not set: CI runs are repeatable, never green or red by luck. */
export const CI_SEED = 20261128;

/**
 * The seed of a randomized test: FUZZ_SEED when set (to replay a failure), the fixed CI_SEED under CI=true,
 * else a fresh one so local runs explore more. Tests print it with every failure.
 */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  if (env.FUZZ_SEED) {
    const n = Number(env.FUZZ_SEED);
    if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED=${env.FUZZ_SEED} is not an integer`);
    return n;
  }
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return CI_SEED;
  return Math.floor(Math.random() * 2 ** 31);
}

const PIECES = [
  'a', 'Z', 'service', ' ', ' ', '-', '_', '.', ',', ':', ';', '!', '?', '0', '42',
  '"', "'", '`', '\\', '$', '$HOME', '$(id)', '${x}', '#', '%', '%%', '%n', '%i', '<%', '%>', '<%=', '<%-', '-%>',
  '<', '>', '&', '&amp;', '|', '*', '~', '^', '=', '+', '{', '}', '[', ']', '(', ')', '@', '/', '"""', "'''",
  '\\n', '\\x00', ' -- ', ' .', 'é', 'ß', 'Zoë', '日本語', '🚀', 'Ω', '\u00a0', 'e\u0301', 'ﬁ',
];
/** Pieces no one-line field accepts (controls, and invisible ones: zero-width, bidi overrides): the up-front rejection path. */
const REJECTED = ['\t', '\n', '\r\n', '\u0000', '\u0007', '\u007f', '\u2028', '\u0085', '\u200b', '\u202e', '\u2066', '\ufeff'];

/** A random string built from pieces that are hostile to some target format. */
export function hostileString(rand: () => number, maxPieces = 24): string {
  const n = Math.floor(rand() * maxPieces);
  let s = '';
  for (let i = 0; i < n; i++) {
    const pool = rand() < 0.01 ? REJECTED : PIECES;
    s += pool[Math.floor(rand() * pool.length)];
  }
  return s;
}
