/**
 * Headless Chromium for the web UI's end-to-end tests and benchmark (playwright-core drives the
 * system's Chromium; nothing is downloaded). $CLINOTE_CHROMIUM overrides the path.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
] as const;

export function chromiumPath(): string {
  return process.env.CLINOTE_CHROMIUM ?? '/usr/bin/chromium';
}

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath());
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
}
