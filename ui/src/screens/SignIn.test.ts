import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import SignIn from './SignIn.svelte';
import { wizardWith } from '../../tests/component-wizard';

describe('SignIn', () => {
  it('in sandbox mode shows who is signed in, and signs out back to the welcome page', async () => {
    const { wizard, backend } = wizardWith();
    await wizard.chooseSandbox();
    render(SignIn, { wizard });
    const who = screen.getByTestId('signed-in');
    expect(who).toHaveTextContent('Tenant 127.0.0.1:40001, application sandbox-m2m-client');
    expect(who).toHaveTextContent('sandbox-sp-client in directory 00000000-0000-0000-0000-00000000aaaa');
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await expect.poll(() => wizard.screen).toBe('welcome');
    expect(backend.session).toBeNull();
  });

  it('keeps Sign in disabled until every field is filled, then hands the secrets over and forgets them', async () => {
    const { wizard, backend } = wizardWith();
    await wizard.chooseConnect();
    render(SignIn, { wizard });
    await userEvent.setup().click(screen.getByLabelText('With a service principal (for automation)'));
    const submit = screen.getByRole('button', { name: 'Sign in' });
    expect(submit).toBeDisabled();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getAllByLabelText('Client ID')[0]!, 'm2m-1');
    await user.type(screen.getAllByLabelText('Client secret')[0]!, 's3cret-auth0');
    await user.type(screen.getByLabelText('Directory (tenant) ID'), 'tenant-1');
    await user.type(screen.getByLabelText('Application (client) ID'), 'sp-1');
    await user.type(screen.getAllByLabelText('Client secret')[1]!, 's3cret-azure');
    expect(submit).toBeEnabled();
    await user.click(submit);
    expect(await screen.findByTestId('signed-in')).toHaveTextContent('application m2m-1');
    expect(backend.session?.mode).toBe('cloud');
    expect(JSON.stringify(wizard.inputs)).not.toContain('s3cret');
  });
});
