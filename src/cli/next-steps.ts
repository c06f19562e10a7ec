import type { Answers } from '../answers/types.js';
import { shellWord } from '../escape/escapers.js';
import { colours } from './colours.js';
import { CI_REGISTRY } from '../ci/providers.js';

/** Where the pipeline's index credentials live, in the provider's words (none without a pipeline). */
function pipelineSecrets(a: Answers): string {
  const ci = CI_REGISTRY[a.ci];
  return ci.file === null ? '' : `\n${ci.label} reads its credentials from ${ci.secrets}: README.md names them.`;
}

/** The closing "next steps" for the chosen type. */
/** `pyservice` is how the user runs it next (pyserviceCommand: installed, or through npx). */
export function nextSteps(a: Answers, dir: string, opts: { loginSaved?: boolean; pyservice: string }): string {
  const steps = [`cd ${shellWord(dir)}`, 'make test            # venv + pytest'];
  if (a.type !== 'library') {
    steps.push('make deb             # build the .deb (dh-virtualenv) into debs/');
    steps.push('make docker-deb      # the same inside the builder image CI uses');
  } else {
    steps.push('make dist            # sdist + wheel into dist/');
    steps.push('make upload          # twine upload to the private index');
  }
  const host = a.indexUrl === '' ? '' : new URL(a.indexUrl).hostname;
  const creds =
    a.indexUrl === ''
      ? 'No private index configured: pip.conf explains how to add one (or rerun with --index-url).'
      : (opts.loginSaved
          ? `Your read-only login for ${host} is in ~/.netrc; pip uses it for every install.`
          : `Index credentials: put your read-only installer login for ${host} in ~/.netrc (mode 0600), or run \`${opts.pyservice} login\`.`) +
        pipelineSecrets(a);
  return `\n${colours.bold('Next steps:')}\n${steps.map((s) => `  ${s}`).join('\n')}\n\n${creds}\n`;
}
