// The engine names a field by its key in the setup's inputs (`stream_name`, `destination.webhook_url`); the
// window names it by its label on screen and moves focus to it. One table for every field the wizard shows.
import { t } from './i18n';
import type { SetupError } from './ipc';

type Field = {
  label: string;
  /** The control's id on its screen (the first of these on screen); none for a field only a setup file sets. */
  id?: string | string[];
};

const FIELDS: Record<string, Field> = {
  subscription_id: { label: t.prepare.subscription, id: 'subscription' },
  resource_group: { label: t.prepare.resourceGroup, id: ['resource-group', 'resource-group-search'] },
  authorization_days: { label: t.prepare.days, id: 'days' },
  stream_name: { label: t.stream.name, id: 'stream-name' },
  region: { label: t.stream.region, id: ['stream-region', 'region'] },
  event_categories: { label: t.stream.events, id: 'events-only' },
  'pii.log_fields': { label: t.stream.mask, id: 'mask-personal-data' },
  'pii.method': { label: t.stream.mask, id: 'mask-personal-data' },
  start_from: { label: t.stream.startFrom, id: 'start-from' },
  'destination.webhook_url': { label: t.subscribe.webhookUrl, id: 'webhook-url' },
  'destination.resource_id': { label: t.subscribe.resourceId, id: 'resource-id' },
  'destination.queue_name': { label: t.subscribe.queueName, id: 'queue-name' },
  event_subscription_name: { label: t.subscribe.name, id: 'subscription-name' },
  log_codes: { label: t.subscribe.logCodes, id: 'log-codes' },
};

/** The field an error names, as the window shows it; a key not in the table (a field only a setup file sets,
 * such as a retry limit) keeps its key as its name. */
export function fieldOf(key: string): Field {
  return FIELDS[key] ?? { label: key };
}

/** An error that names a field, reworded with the field's label: the engine writes "{key}: {rule}" and
 * "Correct {key} and try again." */
export function inWindowWords(error: SetupError): SetupError {
  if (!error.field) return error;
  const { label } = fieldOf(error.field);
  const prefix = `${error.field}: `;
  const message = error.message.startsWith(prefix) ? `${label}: ${error.message.slice(prefix.length)}` : error.message;
  const remedy = error.remedy === `Correct ${error.field} and try again.` ? t.common.fieldRemedy(label) : error.remedy;
  return { ...error, message, remedy };
}

/** Moves focus to the field an error names when it is on screen; answers whether it was. */
export function focusField(key: string): boolean {
  const ids = [fieldOf(key).id ?? []].flat();
  const element = ids.map((id) => document.getElementById(id)).find((found) => found !== null) ?? null;
  if (!element) return false;
  element.focus();
  return document.activeElement === element;
}
