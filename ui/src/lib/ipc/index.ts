// The front end's only door to Rust: one typed function per command. Types come from bindings.ts, which is
// generated from the Rust types (never edit it by hand).
import { invoke } from '@tauri-apps/api/core';
import type { AppInfo } from './bindings';

export type { AppInfo } from './bindings';

/** The product name and versions, as the Rust side knows them. */
export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}
