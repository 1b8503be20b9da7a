import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
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
});
