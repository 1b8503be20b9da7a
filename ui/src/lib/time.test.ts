import { describe, expect, it } from 'vitest';
import { localWithUtc } from './time';

describe('localWithUtc', () => {
  it('shows the time in the given zone with UTC beside it', () => {
    expect(localWithUtc('2026-12-05T08:15:00Z', 'Europe/Berlin')).toBe('December 5, 2026, 09:15 (08:15 UTC)');
  });

  it('gives the UTC part its own date when the day differs', () => {
    expect(localWithUtc('2026-12-05T23:30:00Z', 'Asia/Tokyo')).toBe('December 6, 2026, 08:30 (December 5, 2026, 23:30 UTC)');
  });

  it('says UTC once when the zone is UTC', () => {
    expect(localWithUtc('2026-12-05T08:15:00Z', 'UTC')).toBe('December 5, 2026, 08:15 (08:15 UTC)');
  });
});
