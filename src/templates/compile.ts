import { crypto } from '../lazy.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { isCheckout, packageRoot, templatesRoot } from '../paths.js';
import { requireCached } from '../code-cache.js';

/**
 * Turns template files into render functions. ejs compiles each template with these options: no `with`,
 * the context's names as locals, and an escape function that refuses `<%=` (HTML escaping is wrong for
 * every format we write). `npm run build` also compiles every template into a function in
 * dist/templates.compiled.cjs (scripts/precompile-templates.mjs), which saves ejs's compile step (and
 * loading ejs at all) on every run; those functions skip ejs's line tracking, so a render error recompiles the
 * template with it to say where. In a development checkout entries are checked against the template's content
 * hash (sha256), not its mtime (`npm pack` stamps every file 1985-10-26), and a template edited since the build
 * is compiled afresh; an installed package uses its build as shipped. PYSERVICE_TRACE_TEMPLATES=1 prints how many of each at exit.
 */
export const LOCALS = ['a', 'n', 'scripts', 'd', 'esc', 'templateVersion', 'toolVersion', 'created'];

export function refuseHtmlEscape(): string {
  throw new Error('templates must escape explicitly with esc.*() and <%- %>; <%= (HTML escaping) is not allowed');
}

/**
 * The escape function given to compiled templates. ejs also calls it on the template's file name when it
 * rethrows a render error (to put the name in the message), so that call passes: without it, every render
 * error (a missing variable, a throw) was reported as "<%= is not allowed".
 */
export function escapeForRender(value: unknown): string {
  if (typeof value === 'string' && isAbsolute(value) && value.endsWith('.ejs')) return value;
  return refuseHtmlEscape();
}

export function ejsOptions(file: string, client: boolean): Record<string, unknown> {
  return { filename: file, escape: refuseHtmlEscape, strict: true, _with: false, destructuredLocals: LOCALS, client, compileDebug: true };
}

/** A compiled template: (context) → text. `include` renders another template relative to this one. */
export type Render = (ctx: object) => string;
type ClientFn = (locals: object, escapeFn: unknown, include: (path: string, data?: object) => string) => string;
interface Precompiled {
  sha256: string;
  render: ClientFn;
}

/** How this process got its render functions: from the build's precompiled sources, or compiled by ejs. */
export const compileStats = { precompiled: 0, compiledByEjs: 0 };
if (process.env.PYSERVICE_TRACE_TEMPLATES)
  process.on('exit', () => process.stderr.write(`pyservice templates: ${compileStats.precompiled} precompiled, ${compileStats.compiledByEjs} compiled by ejs\n`));

const require = createRequire(import.meta.url);
const cache = new Map<string, Render>();
let precompiled: Record<string, Precompiled> | null | undefined;

function loadPrecompiled(): Record<string, Precompiled> | null {
  if (precompiled === undefined) {
    try {
      // Through V8's code cache: the template functions an earlier run compiled are not parsed again.
      precompiled = requireCached(join(packageRoot(), 'dist', 'templates.compiled.cjs')) as Record<string, Precompiled>;
    } catch {
      precompiled = null;
    }
  }
  return precompiled;
}

function compileWithEjs(file: string, text: Buffer): ClientFn {
  compileStats.compiledByEjs++;
  const ejs = require('ejs') as { compile(src: string, opts: object): ClientFn };
  return ejs.compile(text.toString('utf8'), ejsOptions(file, true));
}

function fromBuild(pre: Precompiled): { client: ClientFn; fromBuild: true } {
  compileStats.precompiled++;
  return { client: pre.render, fromBuild: true };
}

/** The template's render function, and whether it came from the build (which compiles without line tracking). */
function clientFunction(file: string): { client: ClientFn; fromBuild: boolean } {
  // A shipped template's key is its path under templates/ (`file` is absolute and normalized); others have none.
  const root = templatesRoot() + sep;
  const pre = file.startsWith(root) ? loadPrecompiled()?.[file.slice(root.length)] : undefined;
  // An installed package's templates change only with the package, so its build is trusted as it stands; in a
  // development checkout a template edited since the build is compiled afresh.
  if (pre && !isCheckout()) return fromBuild(pre);
  const text = readFileSync(file);
  if (pre && pre.sha256 === crypto().createHash('sha256').update(text).digest('hex')) return fromBuild(pre);
  return { client: compileWithEjs(file, text), fromBuild: false };
}

/** The render function of a template file (absolute path), compiled once per process. */
export function compileTemplate(file: string): Render {
  let fn = cache.get(file);
  if (!fn) {
    const { client, fromBuild } = clientFunction(file);
    const include = (path: string, data?: object) => (ctx: object) => compileTemplate(resolve(dirname(file), path))({ ...ctx, ...data });
    const render = (c: ClientFn, ctx: object) => c(ctx, escapeForRender, (path, data) => include(path, data)(ctx));
    fn = (ctx: object) => {
      try {
        return render(client, ctx);
      } catch (err) {
        // The build's functions do not track lines (half the code to load); rendering is pure, so the same
        // context fails again under ejs's own compile, whose error names the template's file and line.
        if (!fromBuild) throw err;
        return render(compileWithEjs(file, readFileSync(file)), ctx);
      }
    };
    cache.set(file, fn);
  }
  return fn;
}
