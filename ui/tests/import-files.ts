// Setup files as the fake import dialog "picks" them: a good one (the draft Rust makes of it) and each kind of
// bad one with the error Rust's `read_import` answers (SetupError::invalid: the field, then the rule).
import type { Draft, SetupError } from '../src/lib/ipc/bindings';
import { DEFAULT_INPUTS } from './default-inputs';
import { setupError } from './fake-backend';

/** The setup a colleague exported: another tenant and subscription than the ones signed in to here. */
export const IMPORTED_INPUTS = {
  ...structuredClone(DEFAULT_INPUTS),
  auth0_domain: 'acme-staging.eu.auth0.com',
  subscription_id: '99999999-8888-7777-6666-555555555555',
  resource_group: 'rg-auth0-staging',
  stream_name: 'Staging security logs',
  event_subscription_name: 'staging-logs',
};

/** The draft Rust makes of the good file when nobody is signed in: the wizard opens on Sign in. */
export function importedDraft(screen: Draft['screen'] = 'sign_in', mode: Draft['mode'] = 'cloud'): Draft {
  return { mode, screen, inputs: structuredClone(IMPORTED_INPUTS) };
}

function invalid(field: string, rule: string): SetupError {
  return setupError('invalid_input', `${field}: ${rule}`, `Correct ${field} and try again.`, field);
}

/** Each bad file, by what is wrong with it, and what Rust answers. */
export const BAD_FILES: Record<string, SetupError> = {
  newer: invalid('version', 'is 2, but this app reads setup documents up to version 1: update the app to import it'),
  unknown: invalid('inputs.azure_cloud', 'is not a field of a setup document'),
  secret: invalid(
    'inputs.destination.webhook_url',
    'carries a key in its query (code=…): a setup document holds no secret; remove the query and add the key after importing',
  ),
  large: invalid('setup document', 'is 3 MB, more than the 1 MB a setup document may be'),
  notJson: invalid('setup document', 'is not JSON: expected value at line 1 column 1'),
};
