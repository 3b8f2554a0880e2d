import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The most JavaScript the first page may load before anything else, gzipped, in bytes. */
const INITIAL_BUDGET = 150_000;

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../dist');

describe('the built console', () => {
  it(`loads at most ${INITIAL_BUDGET} bytes of JavaScript, gzipped, before its first page`, () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    // The entry script and the chunks it preloads are what the first page waits for; the
    // views with charts and the chart library come later, when opened.
    const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map(
      (match) => match[1]!,
    );
    expect(initial.length).toBeGreaterThan(0);
    const gzipped = initial.reduce(
      (sum, asset) => sum + gzipSync(readFileSync(join(DIST, asset)), { level: 9 }).length,
      0,
    );
    console.log(`console initial JavaScript: ${initial.join(', ')}: ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThanOrEqual(INITIAL_BUDGET);
  });

  it('has no inline script or style, which its Content Security Policy would refuse', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
  });
});
