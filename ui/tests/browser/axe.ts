// Runs axe-core (the npm package, injected from node_modules: nothing is downloaded) in a page and returns
// the serious and critical violations, each as "rule: target".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeResult = { passes: unknown[]; violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };

export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<unknown> } }).axe;
    return (await axe.run(document)) as AxeResult;
  });
  // A scan that checked nothing would pass silently: it must have run rules on this page.
  if (result.passes.length === 0) throw new Error('axe-core checked nothing on this page');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
