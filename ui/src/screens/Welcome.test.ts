import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import Welcome from './Welcome.svelte';
import type { AppInfo } from '../lib/ipc';

const info: AppInfo = { productName: 'Auth0 Event Grid Setup', version: '1.2.3', tauriVersion: '2.12.5' };

describe('Welcome', () => {
  it('explains the job and lists the four steps in order', () => {
    render(Welcome, { info: Promise.resolve(info) });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Send your Auth0 logs to Azure Event Grid');
    const steps = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    expect(steps).toEqual([
      'Prepare Azure',
      'Create the Auth0 stream',
      'Activate the connection',
      'Choose where events go',
    ]);
  });

  it('names the rights needed on both clouds', () => {
    render(Welcome, { info: Promise.resolve(info) });
    const needs = screen.getByRole('region', { name: 'What you need' });
    expect(needs).toHaveTextContent('Contributor on the resource group');
    expect(needs).toHaveTextContent('machine-to-machine application');
  });

  it('shows the version it was given once it arrives', async () => {
    render(Welcome, { info: Promise.resolve(info) });
    expect(await screen.findByText('Version 1.2.3 · Tauri 2.12.5')).toBeInTheDocument();
  });

  it('says the version is unavailable when Rust does not answer', async () => {
    render(Welcome, { info: Promise.reject(new Error('no ipc')) });
    expect(await screen.findByText('Version unavailable')).toBeInTheDocument();
  });

  it('offers the two ways in', async () => {
    const onSandbox = vi.fn();
    const onConnect = vi.fn();
    render(Welcome, { info: Promise.resolve(info), onSandbox, onConnect });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Try it without accounts/ }));
    await user.click(screen.getByRole('button', { name: /Connect my Auth0 and Azure/ }));
    expect(onSandbox).toHaveBeenCalledOnce();
    expect(onConnect).toHaveBeenCalledOnce();
  });

  it('disables both ways in and says what it is doing while busy', () => {
    render(Welcome, { info: Promise.resolve(info), activity: { kind: 'starting_sandbox' } });
    expect(screen.getByRole('button', { name: /built-in sandbox/ })).toBeDisabled();
    expect(screen.getByText('Starting the built-in sandbox…')).toBeInTheDocument();
  });
});
