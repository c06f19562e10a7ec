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
 * dist/templates.compiled/VERSION.cjs, one module per version (scripts/precompile-templates.mjs), which saves ejs's compile step (and
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
export const compileStats = { precompiled: 0, compiledByEjs: 0, modules: [] as string[] };
if (process.env.PYSERVICE_TRACE_TEMPLATES)
  process.on('exit', () => process.stderr.write(`pyservice templates: ${compileStats.precompiled} precompiled, ${compileStats.compiledByEjs} compiled by ejs\n`));

const require = createRequire(import.meta.url);
const cache = new Map<string, Render>();
const precompiled = new Map<string, Record<string, Precompiled> | null>();

/**
 * The build's function for a template (its path under templates/). A version's module also holds what its templates
 * render or include from other versions, so the module of the version being rendered (when the caller says), then
 * the modules already loaded are asked first: rendering 1.2.0 loads only 1.2.0's.
 */
function precompiledEntry(key: string, rendering?: string): Precompiled | undefined {
  if (rendering !== undefined) {
    const first = loadPrecompiled(rendering);
    if (first && Object.hasOwn(first, key)) return first[key];
  }
  for (const loaded of precompiled.values()) if (loaded && Object.hasOwn(loaded, key)) return loaded[key];
  const version = key.split('/')[0]!;
  return version === key ? undefined : (loadPrecompiled(version)?.[key] ?? undefined);
}

/** The build's functions for one template version (`1.2.0`), loaded on first use; null when there are none. */
function loadPrecompiled(version: string): Record<string, Precompiled> | null {
  let loaded = precompiled.get(version);
  if (loaded === undefined) {
    try {
      // Through V8's code cache: the template functions an earlier run compiled are not parsed again.
      loaded = requireCached(join(packageRoot(), 'dist', 'templates.compiled', `${version}.cjs`)) as Record<string, Precompiled>;
    } catch {
      loaded = null;
    }
    precompiled.set(version, loaded);
    if (loaded) compileStats.modules.push(version);
  }
  return loaded;
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
function clientFunction(file: string, rendering?: string): { client: ClientFn; fromBuild: boolean } {
  // A shipped template's key is its path under templates/ (`file` is absolute and normalized); others have none.
  const root = templatesRoot() + sep;
  const pre = file.startsWith(root) ? precompiledEntry(file.slice(root.length).split(sep).join('/'), rendering) : undefined;
  // An installed package's templates change only with the package, so its build is trusted as it stands; in a
  // development checkout a template edited since the build is compiled afresh.
  if (pre && !isCheckout()) return fromBuild(pre);
  const text = readFileSync(file);
  if (pre && pre.sha256 === crypto().createHash('sha256').update(text).digest('hex')) return fromBuild(pre);
  return { client: compileWithEjs(file, text), fromBuild: false };
}

/**
 * The render function of a template file (absolute path), compiled once per process. `rendering`: the shipped
 * template version whose manifest asked for it (which module of the build to look in first).
 */
export function compileTemplate(file: string, rendering?: string): Render {
  let fn = cache.get(file);
  if (!fn) {
    const { client, fromBuild } = clientFunction(file, rendering);
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
