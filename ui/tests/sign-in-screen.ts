// For the sign-in forms' component tests: the Sign in screen in cloud mode, where both forms are shown and
// fed what the keychain kept, on a wizard wired to the fake backend.
import { render } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SignIn from '../src/screens/SignIn.svelte';
import { wizardWith } from './component-wizard';
import type { Scenario } from './fake-backend';

export async function signInScreen(scenario: Scenario = {}) {
  const made = wizardWith(scenario);
  await made.wizard.chooseConnect();
  render(SignIn, { wizard: made.wizard });
  return { ...made, user: userEvent.setup() };
}
