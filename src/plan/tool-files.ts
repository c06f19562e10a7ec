/**
 * The tool's own files in a project: the record (answers, template version) and the baseline (what the templates
 * rendered last time, the base of `pyservice update`'s merge). Names only, so readers of a project load nothing else.
 */
export const RECORD_FILE = '.pyservice.json';
export const BASELINE_FILE = '.pyservice.baseline';
