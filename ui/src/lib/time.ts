// Times as the health screens show them: "3 min ago" for when a setup was checked, "10:42" for since when a
// check has been in its state (with the day when it is not today). `now` is passed in so tests control it.
import { t } from './i18n';

const clock = new Intl.DateTimeFormat(t.locale, { hour: '2-digit', minute: '2-digit', hour12: false });
const day = new Intl.DateTimeFormat(t.locale, { day: 'numeric', month: 'short' });
const full = new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium', timeStyle: 'medium' });

/** "10:42" today, "3 Dec 10:42" another day. */
export function clockTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  return at.toDateString() === now.toDateString() ? clock.format(at) : `${day.format(at)} ${clock.format(at)}`;
}

/** The full date and time, for a title attribute. */
export function absoluteTime(iso: string): string {
  return full.format(new Date(iso));
}

/** "just now", "3 min ago", "2 h ago", "4 days ago". */
export function ago(iso: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 60_000));
  if (minutes < 1) return t.time.justNow;
  if (minutes < 60) return t.time.minutesAgo(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t.time.hoursAgo(hours);
  return t.time.daysAgo(Math.floor(hours / 24));
}

/** A moment in the person's time zone with UTC beside it: "5 December 2026, 09:15 (08:15 UTC)", the UTC part
 * with its own date when that differs. `timeZone` is the system's unless a test names one. */
export function localWithUtc(iso: string, timeZone?: string): string {
  const at = new Date(iso);
  const dateOf = (zone?: string) => new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeZone: zone }).format(at);
  const timeOf = (zone?: string) =>
    new Intl.DateTimeFormat(t.locale, { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: zone }).format(at);
  const localDate = dateOf(timeZone);
  const utcDate = dateOf('UTC');
  const utc = utcDate === localDate ? timeOf('UTC') : `${utcDate}, ${timeOf('UTC')}`;
  return `${localDate}, ${timeOf(timeZone)} (${utc} UTC)`;
}
