// A real Chromium for the browser tests: Debian's package, driven by playwright-core (which downloads no browser),
// with the flags of a locked-down headless run and a fresh profile. Where it is missing, a test is skipped with how
// to install it, except where REQUIRE_BROWSER is set (CI sets it), where a missing browser is a failure.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const INSTALL = `install Chromium to run it: \`apt-get install -y chromium\` (Debian, Ubuntu; CI does), or set CHROMIUM_PATH`;

export const BROWSER_REQUIRED = !['', '0', 'false'].includes((process.env.REQUIRE_BROWSER ?? '').toLowerCase());

/** Why the browser tests cannot run here (a skip reason), or undefined when they can (or must: CI). */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || BROWSER_REQUIRED) return undefined;
  return `no Chromium at ${CHROMIUM_PATH}: ${INSTALL}`;
}

/** Launches Chromium with a fresh temporary profile (playwright makes one per launch and removes it). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH} (REQUIRE_BROWSER=${process.env.REQUIRE_BROWSER}): ${INSTALL}`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
