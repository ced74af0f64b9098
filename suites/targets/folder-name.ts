/*
 * Target names come from a file somebody else may have written ("../../etc", "ACME Corp / EU",
 * "con", 300 characters of emoji): they become folder names only through here. A folder name is
 * ASCII letters, digits, '.', '_' and '-', never starts with a dot or a dash, at most 64 characters,
 * never a name Windows reserves, never one of the index's own files, and unique in the run without
 * regard to case (macOS and Windows file systems fold case).
 */

const MAX = 64;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
/** The files the run writes beside the target folders. */
const TAKEN = new Set(['index.html', 'index.json', 'summary.md']);

export function folderName(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let s = ascii
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, MAX)
    .replace(/[-.]+$/, '');
  if (!s) s = 'target';
  if (RESERVED.test(s) || TAKEN.has(s.toLowerCase())) s = `${s.replace(/\./g, '-')}-target`;
  return s;
}

/** One folder name per name, in order; a clash gets `-2`, `-3`, … (case-insensitively unique). */
export function folderNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const base = folderName(n);
    let s = base;
    for (let k = 2; used.has(s.toLowerCase()); k++) s = `${base.slice(0, MAX - String(k).length - 1)}-${k}`;
    used.add(s.toLowerCase());
    return s;
  });
}
