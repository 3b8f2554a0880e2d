import { describe, expect, it } from 'vitest';
import {
  changelogSection,
  checkRelease,
  isBreakingBump,
  parseVersion,
} from '../scripts/schema-release.js';

const released = {
  version: '0.2.0',
  sdl: `
    type Query { rollup(metric: ID!): RollupRow }
    type RollupRow { qualifier: Qualifier! value: String }
    enum Qualifier { EXACT AT_LEAST }
  `,
};

// RollupRow.qualifier becomes nullable: a client that relied on it being there breaks.
const breakingSdl = released.sdl.replace('qualifier: Qualifier!', 'qualifier: Qualifier');
// A new optional argument and a new field: nothing a client wrote stops working.
const safeSdl = released.sdl
  .replace('rollup(metric: ID!)', 'rollup(metric: ID!, period: String)')
  .replace('value: String', 'value: String unit: String');

const changelog = (body: string) => `# Changelog

## @fulian/sdk 0.3.0 — 2026-12-05

${body}

## @fulian/sdk 0.2.0 — 2026-12-01

- **Breaking:** \`RollupRow.qualifier\` was renamed long ago (an older entry, not this one).
`;

describe('the schema release check', () => {
  it('passes a schema that only adds', async () => {
    const verdict = await checkRelease(released, { version: '0.2.0', sdl: safeSdl }, '');
    expect(verdict.breaking).toEqual([]);
    expect(verdict.problems).toEqual([]);
  });

  it('fails a breaking change under the same version, naming the coordinate', async () => {
    const verdict = await checkRelease(released, { version: '0.2.0', sdl: breakingSdl }, '');
    expect(verdict.breaking.map((change) => change.path)).toEqual(['RollupRow.qualifier']);
    expect(verdict.problems).toEqual([
      expect.stringContaining('is not a breaking bump'),
      expect.stringContaining('no section "## @fulian/sdk 0.2.0"'),
    ]);
  });

  it('fails a breaking change under a patch bump', async () => {
    const verdict = await checkRelease(released, { version: '0.2.1', sdl: breakingSdl }, '');
    expect(verdict.problems[0]).toContain('0.2.1 is not a breaking bump of it');
  });

  it('fails a bumped version whose changelog section does not name the change', async () => {
    const verdict = await checkRelease(
      released,
      { version: '0.3.0', sdl: breakingSdl },
      changelog('- **Breaking:** empty roll-up rows carry no qualifier.'),
    );
    expect(verdict.problems).toEqual([
      "CHANGELOG.md's section for 0.3.0 does not name the breaking change(s) to `RollupRow.qualifier`",
    ]);
  });

  it('fails a changelog section that names the change but does not mark it breaking', async () => {
    const verdict = await checkRelease(
      released,
      { version: '0.3.0', sdl: breakingSdl },
      changelog('- `RollupRow.qualifier` is nullable.'),
    );
    expect(verdict.problems).toEqual([
      "CHANGELOG.md's section for 0.3.0 marks nothing **Breaking**",
    ]);
  });

  it('passes a breaking change with a bumped version and a changelog section naming it', async () => {
    const verdict = await checkRelease(
      released,
      { version: '0.3.0', sdl: breakingSdl },
      changelog('- **Breaking:** `RollupRow.qualifier` is nullable: empty rows carry none.'),
    );
    expect(verdict.breaking).toHaveLength(1);
    expect(verdict.problems).toEqual([]);
  });

  it('fails a version below the last release', async () => {
    const verdict = await checkRelease(released, { version: '0.1.9', sdl: released.sdl }, '');
    expect(verdict.problems).toEqual(["the SDK's version 0.1.9 is below the last release, 0.2.0"]);
  });

  it('reports a new enum value as dangerous, not breaking', async () => {
    const sdl = released.sdl.replace('EXACT AT_LEAST', 'EXACT AT_LEAST ESTIMATE');
    const verdict = await checkRelease(released, { version: '0.2.0', sdl }, '');
    expect(verdict.breaking).toEqual([]);
    expect(verdict.dangerous.map((change) => change.path)).toEqual(['Qualifier.ESTIMATE']);
  });
});

describe('versions', () => {
  it('takes the leftmost non-zero number as the major one, like npm caret ranges', () => {
    const bump = (from: string, to: string) => isBreakingBump(parseVersion(from), parseVersion(to));
    expect(bump('0.2.0', '0.3.0')).toBe(true);
    expect(bump('0.2.0', '1.0.0')).toBe(true);
    expect(bump('0.2.0', '0.2.5')).toBe(false);
    expect(bump('1.4.2', '1.5.0')).toBe(false);
    expect(bump('1.4.2', '2.0.0')).toBe(true);
    expect(bump('0.0.3', '0.0.4')).toBe(true);
    expect(() => parseVersion('0.3')).toThrow('MAJOR.MINOR.PATCH');
  });

  it("finds a version's changelog section up to the next one", () => {
    const section = changelogSection(changelog('- one line'), '0.3.0');
    expect(section).toBe('## @fulian/sdk 0.3.0 — 2026-12-05\n\n- one line\n');
    expect(changelogSection(changelog(''), '0.3')).toBeUndefined();
  });
});
