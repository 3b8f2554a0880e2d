// Decides whether the schema in the code may ship under the SDK's version: compared with the
// last released schema (schema/releases/<version>.graphql), a change that breaks a client
// needs a breaking version bump and a CHANGELOG.md section that names it (docs/sdk.md,
// "Releases and the breaking-change check").
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/** A schema as it was (or will be) released with one version of the SDK. */
export interface SchemaVersion {
  version: string;
  sdl: string;
}

export interface ReleaseVerdict {
  /** Changes that break a client written against the released schema. */
  breaking: Change[];
  /** Changes that can break a client's assumptions (a new enum value, a new default). */
  dangerous: Change[];
  /** Why the current schema may not ship under its version; empty when it may. */
  problems: string[];
}

export function parseVersion(text: string): Version {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a version of the form MAJOR.MINOR.PATCH`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * Whether `to` may break clients of `from`, by semantic versioning's rule and npm's caret
 * ranges: the leftmost non-zero number is the major one, so while the SDK is 0.x a breaking
 * change moves the minor number (`^0.2.0` accepts 0.2.9 but not 0.3.0).
 */
export function isBreakingBump(from: Version, to: Version): boolean {
  if (from.major > 0 || to.major > from.major) return to.major > from.major;
  if (from.minor > 0 || to.minor > from.minor) return to.minor > from.minor;
  return to.patch > from.patch;
}

/** The text of CHANGELOG.md's section `## @fulian/sdk <version> …`, up to the next section. */
export function changelogSection(changelog: string, version: string): string | undefined {
  const lines = changelog.split('\n');
  const heading = new RegExp(`^## @fulian/sdk ${version.replaceAll('.', '\\.')}(\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return undefined;
  const next = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  return lines.slice(start, next < 0 ? undefined : next).join('\n');
}

/** The schema coordinate a change touches (`Type.field.argument`), which the changelog names. */
export function coordinate(change: Change): string {
  return change.path ?? change.message;
}

export async function checkRelease(
  released: SchemaVersion,
  current: SchemaVersion,
  changelog: string,
): Promise<ReleaseVerdict> {
  const changes = await diff(buildSchema(released.sdl), buildSchema(current.sdl));
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  const dangerous = changes.filter((c) => c.criticality.level === CriticalityLevel.Dangerous);
  const problems: string[] = [];
  const from = parseVersion(released.version);
  const to = parseVersion(current.version);
  if (compareVersions(to, from) < 0) {
    problems.push(
      `the SDK's version ${current.version} is below the last release, ${released.version}`,
    );
  }
  if (breaking.length === 0) return { breaking, dangerous, problems };

  if (!isBreakingBump(from, to)) {
    problems.push(
      `${breaking.length} breaking change(s) since ${released.version}, but the SDK's version ` +
        `${current.version} is not a breaking bump of it: raise it in packages/sdk/package.json`,
    );
  }
  const section = changelogSection(changelog, current.version);
  if (section === undefined) {
    problems.push(`CHANGELOG.md has no section "## @fulian/sdk ${current.version}"`);
  } else {
    const unnamed = [...new Set(breaking.map(coordinate))].filter((c) => !section.includes(c));
    if (!section.includes('**Breaking')) {
      problems.push(`CHANGELOG.md's section for ${current.version} marks nothing **Breaking**`);
    }
    if (unnamed.length > 0) {
      problems.push(
        `CHANGELOG.md's section for ${current.version} does not name the breaking change(s) ` +
          `to ${unnamed.map((c) => `\`${c}\``).join(', ')}`,
      );
    }
  }
  return { breaking, dangerous, problems };
}
