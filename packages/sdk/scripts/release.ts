// With --check, fails when schema/schema.graphql breaks clients of the last released schema
// without the SDK's version and CHANGELOG.md saying so. With --cut, records the schema as
// released under the SDK's current version (docs/sdk.md, "Releases and the breaking-change
// check").
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  checkRelease,
  compareVersions,
  coordinate,
  parseVersion,
  type SchemaVersion,
} from './schema-release.js';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const releasesDir = repo('schema/releases');

function newestRelease(): SchemaVersion {
  const versions = readdirSync(releasesDir)
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => file.slice(0, -'.graphql'.length))
    .sort((a, b) => compareVersions(parseVersion(a), parseVersion(b)));
  const version = versions.at(-1);
  if (version === undefined) throw new Error(`${releasesDir} holds no released schema`);
  return { version, sdl: readFileSync(`${releasesDir}/${version}.graphql`, 'utf8') };
}

const current: SchemaVersion = {
  version: (
    JSON.parse(readFileSync(repo('packages/sdk/package.json'), 'utf8')) as { version: string }
  ).version,
  sdl: readFileSync(repo('schema/schema.graphql'), 'utf8'),
};
const released = newestRelease();
const verdict = await checkRelease(released, current, readFileSync(repo('CHANGELOG.md'), 'utf8'));

const list = (label: string, changes: typeof verdict.breaking) => {
  if (changes.length === 0) return;
  console.log(`${label} since ${released.version}:`);
  for (const change of changes) console.log(`  ${coordinate(change)}: ${change.message}`);
};
list('breaking changes', verdict.breaking);
list('dangerous changes', verdict.dangerous);
if (verdict.problems.length > 0) {
  for (const problem of verdict.problems) console.error(`schema release check: ${problem}`);
  process.exit(1);
}

if (process.argv.includes('--cut')) {
  const file = `${releasesDir}/${current.version}.graphql`;
  if (compareVersions(parseVersion(current.version), parseVersion(released.version)) <= 0) {
    console.error(
      `the SDK's version ${current.version} is not above the last release, ${released.version}: ` +
        'bump it in packages/sdk/package.json first',
    );
    process.exit(1);
  }
  writeFileSync(file, current.sdl);
  // What this SDK sends, kept with the schema: the server is tested to still answer it after
  // later releases have migrated the database (packages/server/test/previous-release.test.ts).
  const operationsDir = repo('packages/sdk/src/operations');
  const operations = readdirSync(operationsDir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => `# --- ${name}\n\n${readFileSync(`${operationsDir}/${name}`, 'utf8')}`);
  const operationsFile = `${releasesDir}/operations/${current.version}.graphql`;
  writeFileSync(
    operationsFile,
    [`# The operations @fulian/sdk ${current.version} sends, as released.\n`, ...operations].join(
      '\n',
    ),
  );
  console.log(`wrote ${file} and ${operationsFile}`);
} else {
  console.log(
    `schema/schema.graphql may ship as @fulian/sdk ${current.version} ` +
      `(last release ${released.version})`,
  );
}
