// Every text the window shows is in the locale file: none may name a command line's flag (`--create-resource-group`)
// or an environment variable (`AUTH0_EVENTGRID_AZURE_CLOUD`), which a person using the window cannot set from it.
// Commands an administrator runs reach the window as values (Settings' registration command), never as words.
import { describe, expect, it } from 'vitest';
import { en } from './en';

const FLAG = /(^|[\s("'“])--[a-z][a-z-]+/;
const VARIABLE = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/;

/** Every string of the locale, with its path; a function is called with a stand-in for each argument. */
function texts(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'function') {
    // A word, a list of words or a count, whichever the function takes.
    for (const standIn of ['X', ['X'], 2] as unknown[]) {
      try {
        const result = (value as (...a: unknown[]) => unknown)(...Array.from({ length: value.length }, () => standIn));
        return texts(Array.isArray(result) ? result.join(' ') : result, `${path}()`);
      } catch {
        // the next stand-in
      }
    }
    throw new Error(`${path} takes arguments this scan cannot stand in for`);
  }
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, v]) => texts(v, `${path}.${key}`));
  return [];
}

describe('the window’s words', () => {
  const all = texts(en, 'en');

  it('are all read (the scan reaches the error texts)', () => {
    expect(all.length).toBeGreaterThan(400);
    expect(all.map(([path]) => path)).toContain('en.prepare.cloudUnsupported.remedy');
    expect(all.map(([path]) => path)).toContain('en.common.adminRequestGroup()');
  });

  it('name no command-line flag and no environment variable', () => {
    const offending = all.filter(([, text]) => FLAG.test(text) || VARIABLE.test(text)).map(([path, text]) => `${path}: ${text}`);
    expect(offending).toEqual([]);
  });

  it('would catch one', () => {
    expect(FLAG.test('run it with --create-resource-group')).toBe(true);
    expect(VARIABLE.test('set AUTH0_EVENTGRID_AZURE_CLOUD to public')).toBe(true);
    expect(FLAG.test('Step 1 – Prepare Azure')).toBe(false);
  });
});
