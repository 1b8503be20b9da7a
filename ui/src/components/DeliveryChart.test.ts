import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import DeliveryChart from './DeliveryChart.svelte';
import type { ChartPoint } from '../lib/ipc';
import { clockTime } from '../lib/time';

const hour = 3_600_000;
const start = Date.parse('2026-12-04T00:00:00Z');
const points = (failedAt: Record<number, number> = {}): ChartPoint[] =>
  Array.from({ length: 24 }, (_, i) => ({ at: new Date(start + i * hour).toISOString(), delivered: i % 3, failed: failedAt[i] ?? 0 }));

describe('DeliveryChart', () => {
  it('draws a bar above the line per hour with deliveries and below it per hour with failures', () => {
    const { container } = render(DeliveryChart, { points: points({ 20: 4, 22: 9 }) });
    expect(container.querySelectorAll('rect.delivered')).toHaveLength(16);
    expect(container.querySelectorAll('rect.failed')).toHaveLength(2);
    const line = Number(container.querySelector('line')!.getAttribute('y1'));
    for (const bar of container.querySelectorAll('rect.delivered')) {
      expect(Number(bar.getAttribute('y')) + Number(bar.getAttribute('height'))).toBeCloseTo(line);
    }
    for (const bar of container.querySelectorAll('rect.failed')) expect(Number(bar.getAttribute('y'))).toBeGreaterThan(line);
    // The tallest failure is the full half height; the smaller one is shorter.
    const [four, nine] = [...container.querySelectorAll('rect.failed')].map((r) => Number(r.getAttribute('height')));
    expect(four).toBeLessThan(nine!);
  });

  it('says the same in words, the picture being hidden from screen readers', () => {
    const { container } = render(DeliveryChart, { points: points({ 20: 4, 22: 9 }) });
    expect(container.querySelector('svg')).toHaveAttribute('aria-hidden', 'true');
    expect(screen.getByRole('figure')).toHaveAccessibleName(/^Last 24 hours: 24 delivered, 13 failed\./);
    const caption = screen.getByTestId('delivery-chart').querySelector('figcaption')!;
    expect(caption).toHaveTextContent(
      `Last 24 hours: 24 delivered, 13 failed. Most failures in the hour from ${clockTime(new Date(start + 22 * hour).toISOString())} (9).`,
    );
  });

  it('names no worst hour when nothing failed, and says when there are no counts at all', () => {
    render(DeliveryChart, { points: points() });
    expect(screen.getByTestId('delivery-chart')).toHaveTextContent('24 delivered, 0 failed.');
    expect(screen.getByTestId('delivery-chart')).not.toHaveTextContent('Most failures');
    screen.getByTestId('delivery-chart').remove();
    const { container } = render(DeliveryChart, { points: [] });
    expect(container.querySelector('svg')).toBeNull();
    expect(screen.getByTestId('delivery-chart')).toHaveTextContent('No delivery counts yet.');
  });
});
