// The remaining ways to sign in, in Chromium against the built UI with IPC answered by the shared fake
// backend: Auth0 with a private key file (chosen through Rust's file dialog) or a pasted Management API token,
// Azure with the Azure CLI's sign-in or a service principal (checked before sending), and moving the Azure
// sign-in to another directory. Every state is scanned with axe in the light and dark themes.
import { describe, expect, it } from 'vitest';
import { CHOSEN_CERTIFICATE, CHOSEN_KEY_FILE } from '../fake-backend';
import { backend, check, signInScreen, useHarness } from './harness';

const harness = useHarness();

describe('the other ways to sign in, in Chromium', () => {
  it('signs in to Auth0 with a private key file chosen in the file dialog', async () => {
    const page = await signInScreen(harness());
    await page.getByLabel('With a private key file (Private Key JWT)').check();
    await page.getByLabel('Auth0 domain').fill('acme.eu.auth0.com');
    await page.getByLabel('Client ID').fill('m2m-key');
    await page.getByRole('button', { name: 'Choose file…' }).click();
    await expect.poll(() => page.getByLabel('Private key file (PEM)').inputValue(), { timeout: 15_000 }).toBe(CHOSEN_KEY_FILE.name);
    await page.getByLabel('Signing algorithm').selectOption('PS256');
    await check(page, 'sign-in-private-key');
    await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
    await expect.poll(() => page.getByTestId('auth0-account').textContent(), { timeout: 15_000 }).toContain('with application m2m-key');
    expect(await backend(page, (b) => b.keyRequests)).toEqual([
      { domain: 'acme.eu.auth0.com', clientId: 'm2m-key', keyFile: CHOSEN_KEY_FILE.handle, algorithm: 'PS256' },
    ]);
  });

  it('asks for the tenant\'s own domain behind a custom domain, checks it before sending, and sends both', async () => {
    const page = await signInScreen(harness());
    await page.getByLabel('Auth0 domain', { exact: true }).fill('login.acme.com');
    const canonical = page.getByLabel("Tenant's Auth0 domain");
    await page.getByLabel('Client ID').fill('m2m-1');
    await page.getByLabel('Client secret', { exact: true }).fill('s3cret-auth0');
    await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
    await expect.poll(() => canonical.getAttribute('aria-invalid'), { timeout: 15_000 }).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('auth0-canonical-domain');
    expect(await page.getByTestId('canonical-domain').textContent()).toContain('Settings, in the Domain field');
    expect(await backend(page, (b) => b.auth0Domains)).toEqual([]);
    await check(page, 'sign-in-custom-domain-missing');

    await canonical.fill('acme.eu.auth0.com');
    await page.getByLabel('Client secret', { exact: true }).fill('s3cret-auth0');
    await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
    await expect.poll(() => page.getByTestId('auth0-account').textContent(), { timeout: 15_000 }).toContain(
      "the setup uses the tenant's own domain acme.eu.auth0.com",
    );
    expect(await backend(page, (b) => b.auth0Domains)).toEqual([{ domain: 'login.acme.com', canonicalDomain: 'acme.eu.auth0.com' }]);
    await check(page, 'sign-in-custom-domain-done');
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`signs in to Auth0 with a pasted token, not remembered unless asked (${colorScheme})`, async () => {
      const page = await signInScreen(harness(), {}, colorScheme);
      await page.getByLabel('With a Management API token I paste').check();
      expect(await page.getByLabel('Remember on this computer (in the keychain)').isChecked()).toBe(false);
      await page.getByLabel('Auth0 domain').fill('acme.eu.auth0.com');
      await page.getByLabel('Management API token', { exact: true }).fill('eyJ.pasted-s3cret.sig');
      await check(page, `sign-in-token-${colorScheme}`);
      await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
      await expect.poll(() => page.getByTestId('auth0-account').textContent(), { timeout: 15_000 }).toContain('It is forgotten when you close the app.');
      expect(await page.content()).not.toContain('pasted-s3cret');
      expect(await backend(page, (b) => b.auth0Account?.remembered)).toBe(false);
      await check(page, `sign-in-token-done-${colorScheme}`);
    });
  }

  it('refuses an expired token with what to do', async () => {
    const page = await signInScreen(harness());
    await page.getByLabel('With a Management API token I paste').check();
    await page.getByLabel('Auth0 domain').fill('acme.eu.auth0.com');
    await page.getByLabel('Management API token', { exact: true }).fill('expired-token');
    await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
    await expect.poll(() => page.getByTestId('auth0-error').getAttribute('data-code'), { timeout: 15_000 }).toBe('auth0_unauthorized');
    await check(page, 'sign-in-token-expired');
  });

  it('uses the Azure CLI sign-in, and says what to install when there is none', async () => {
    const missing = await signInScreen(harness(), { noAzureCli: true });
    await missing.getByLabel('With my Azure CLI sign-in (az login)').check();
    await missing.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
    await expect.poll(() => missing.getByTestId('azure-error').textContent(), { timeout: 15_000 }).toContain('Install the Azure CLI');
    await check(missing, 'sign-in-az-missing');

    const page = await signInScreen(harness());
    await page.getByLabel('With my Azure CLI sign-in (az login)').check();
    await page.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
    await expect.poll(() => page.getByTestId('azure-account').textContent(), { timeout: 15_000 }).toContain('ada@contoso.com');
    await expect.poll(() => page.getByTestId('tenant-current').textContent(), { timeout: 15_000 }).toBe('Working in directory Contoso.');
    expect(await page.getByLabel('Switch to another directory').count()).toBe(0);
    await check(page, 'sign-in-az');
  });

  it('checks a service principal before sending it, then signs in', async () => {
    const page = await signInScreen(harness());
    await page.getByLabel('With a service principal (for automation)').check();
    await page.getByRole('button', { name: 'Check and sign in to Azure' }).click();
    await expect.poll(() => page.getByText('Type the client secret.').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sp-tenant');
    expect(await backend(page, (b) => b.calls.includes('sign_in_azure_service_principal'))).toBe(false);
    await check(page, 'sign-in-service-principal-problems');
    await page.getByLabel('Directory (tenant) ID').fill('contoso.onmicrosoft.com');
    await page.getByLabel('Application (client) ID').fill('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    await page.getByTestId('service-principal').getByLabel('Client secret').fill('sp-s3cret');
    await page.getByRole('button', { name: 'Check and sign in to Azure' }).click();
    await expect.poll(() => page.getByTestId('azure-account').textContent(), { timeout: 15_000 }).toContain('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    expect(await page.content()).not.toContain('sp-s3cret');
    await check(page, 'sign-in-service-principal');
  });

  it('switches the Azure sign-in to another directory, and shows a refusal', async () => {
    const page = await signInScreen(harness());
    await page.getByLabel('With a code, on any device').check();
    await page.getByRole('button', { name: 'Get a sign-in code' }).click();
    await expect.poll(() => backend(page, (b) => b.azureWaiting), { timeout: 15_000 }).toBe(true);
    await backend(page, (b) => b.approveAzureSignIn());
    await expect.poll(() => page.getByTestId('tenant-current').textContent(), { timeout: 15_000 }).toBe('Working in directory Contoso.');
    await check(page, 'sign-in-tenants');
    await page.getByLabel('Switch to another directory').selectOption('tenant-locked');
    await page.getByRole('button', { name: 'Switch directory' }).click();
    await expect.poll(() => page.getByTestId('tenant-error').textContent(), { timeout: 15_000 }).toContain('multi-factor authentication');
    await check(page, 'sign-in-tenant-refused');
    await page.getByLabel('Switch to another directory').selectOption('tenant-fabrikam');
    await page.getByRole('button', { name: 'Switch directory' }).click();
    await expect.poll(() => page.getByTestId('tenant-switched').textContent(), { timeout: 15_000 }).toContain('Now working in directory Fabrikam.');
    await expect.poll(() => page.getByTestId('tenant-current').textContent(), { timeout: 15_000 }).toBe('Working in directory Fabrikam.');
    expect(await backend(page, (b) => b.azureAccount?.tenantId)).toBe('tenant-fabrikam');
    await check(page, 'sign-in-tenant-switched');
  });
});

describe('a certificate, in Chromium', () => {
  it('signs in to Azure with a certificate chosen in the file dialog', async () => {
    const page = await signInScreen(harness());
    await page.getByLabel('With a service principal and a certificate').check();
    await page.getByLabel('Directory (tenant) ID').fill('contoso.onmicrosoft.com');
    await page.getByLabel('Application (client) ID').fill('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    await page.getByRole('button', { name: 'Choose file…' }).click();
    await expect.poll(() => page.getByLabel('Certificate file (PEM or .pfx)').inputValue(), { timeout: 15_000 }).toBe(CHOSEN_CERTIFICATE.name);
    await page.getByLabel('Certificate password (leave empty if it has none)').fill('pfx-s3cret');
    await check(page, 'sign-in-certificate');
    await page.getByRole('button', { name: 'Check the certificate and sign in to Azure' }).click();
    await expect.poll(() => page.getByTestId('azure-account').textContent(), { timeout: 15_000 }).toContain('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    expect(await page.content()).not.toContain('pfx-s3cret');
  });
});
