// vitest's expect.poll gives up after 1 s unless told otherwise, too short on a busy machine for an answer that
// is coming: every poll in the component and browser tests names its own limit, a hang guard and not a timing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const UI = join(import.meta.dirname, '..');

function testFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return /\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Each `expect.poll(…)` call's arguments, as written, with the file it is in. */
function pollCalls(text: string): string[] {
  const calls: string[] = [];
  for (let start = text.indexOf('expect.poll('); start >= 0; start = text.indexOf('expect.poll(', start + 1)) {
    let depth = 0;
    let end = start + 'expect.poll'.length;
    do {
      const c = text.charAt(end);
      if ('([{'.includes(c)) depth += 1;
      else if (')]}'.includes(c)) depth -= 1;
      end += 1;
    } while (depth > 0 && end < text.length);
    calls.push(text.slice(start, end));
  }
  return calls;
}

describe('polls in the tests', () => {
  const files = [...testFiles(join(UI, 'src')), ...testFiles(join(UI, 'tests'))].filter((f) => !f.endsWith('poll-timeouts.test.ts'));
  const calls = files.flatMap((file) => pollCalls(readFileSync(file, 'utf8')).map((call) => `${file.slice(UI.length + 1)}: ${call}`));

  it('are all found (the scan reaches both folders)', () => {
    expect(calls.some((c) => c.startsWith('src/'))).toBe(true);
    expect(calls.some((c) => c.startsWith('tests/browser/'))).toBe(true);
  });

  it('each name a timeout', () => {
    expect(pollCalls("await expect.poll(() => f(a, 'b')).toBe(1)")[0]).not.toMatch(/\btimeout:/);
    expect(calls.filter((call) => !/\{ timeout: [\d_]+ \}\)$/.test(call))).toEqual([]);
  });
});
