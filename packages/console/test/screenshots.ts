import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** The committed screenshots, shown in docs/console.md. */
export const SCREENSHOT_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../docs/console',
);

/**
 * The share of pixels a fresh screenshot may differ by from the committed one: text
 * antialiasing may shift by a pixel between runs, a changed layout or wording does not pass.
 */
export const TOLERANCE = 0.01;

/** How far a pixel's colour may move before pixelmatch counts it as different (0 to 1). */
const PIXEL_THRESHOLD = 0.1;

/**
 * Takes the page's screenshot (what depends on today, such as days late for a report not yet
 * sent, is masked) and returns the share of its pixels that differ from the committed one.
 * With UPDATE_SCREENSHOTS=1 it writes the screenshot instead and returns 0; a missing
 * committed screenshot is written too outside CI, and fails in CI.
 */
export async function screenshotDifference(page: Page, name: string): Promise<number> {
  const fresh = await page.screenshot({
    animations: 'disabled',
    caret: 'hide',
    mask: [page.locator('[data-volatile]')],
    maskColor: '#e4e1dc',
  });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  if (process.env.UPDATE_SCREENSHOTS === '1' || (!existsSync(file) && !process.env.CI)) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(file, fresh);
    return 0;
  }
  const committed = PNG.sync.read(readFileSync(file));
  const taken = PNG.sync.read(fresh);
  if (committed.width !== taken.width || committed.height !== taken.height) return 1;
  const differing = pixelmatch(committed.data, taken.data, undefined, taken.width, taken.height, {
    threshold: PIXEL_THRESHOLD,
  });
  return differing / (taken.width * taken.height);
}
