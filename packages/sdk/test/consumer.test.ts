// The SDK as a third party gets it: packed with npm, installed from the tarball into a scratch
// project, compiled there with tsc --strict as ESM and as CommonJS, run against a live server,
// and bundled with esbuild to measure what it adds to a browser application.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from './helpers/live-server.js';

const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL('..', import.meta.url));
/** The largest the gzipped, minified bundle of a small consumer may be, in bytes. */
const SIZE_BUDGET = 12_000;

let live: LiveServer;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'fulian-sdk-consumer-'));
  // Built first, so the tarball holds what the sources say now.
  await run('npm', ['run', 'build'], { cwd: sdkDir });
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch],
    { cwd: sdkDir },
  );
  const [packed] = JSON.parse(stdout) as [{ filename: string }];
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }),
  );
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      `./${packed.filename}`,
      'typescript@5.9.3',
      '@types/node@20.19.43',
    ],
    { cwd: scratch },
  );
  live = await startLiveServer();
});
afterAll(async () => {
  await live?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// The same code, compiled once as an ES module (.mts) and once as CommonJS (.cts).
const consumer = `
import { createClient, FulianError, type OrganizationLevel } from '@fulian/sdk';

async function main(endpoint: string): Promise<void> {
  const client = createClient({ endpoint });
  const { organization: province } = await client.organizationTree({ code: '43' });
  if (!province) throw new Error('no province');

  const level: OrganizationLevel = 'COUNTY';
  const counties: string[] = [];
  for await (const county of client.paginate.descendants({ code: '4301', level })) {
    if (county.code !== null) counties.push(county.code);
  }

  let errorCode = 'none';
  try {
    await client.organization({ code: '43', id: 'T3JnYW5pemF0aW9uOjE=' });
  } catch (error) {
    if (error instanceof FulianError) errorCode = error.code;
  }
  const cities: string[] = province.children.edges
    .filter((edge) => edge.node.level === 'CITY' && edge.node.kind === 'FEDERATION')
    .map((edge) => edge.node.name);
  const villages: number = province.villages;
  console.log(JSON.stringify({ name: province.name, villages, cities, counties, errorCode }));
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

const tsc = (...args: string[]) =>
  run(
    join(scratch, 'node_modules/.bin/tsc'),
    [
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      ...args,
    ],
    { cwd: scratch },
  ).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );

describe('a third party installing the packed SDK', () => {
  it.each([
    ['ESM', 'consumer.mts', 'consumer.mjs', `from '@fulian/sdk'`],
    ['CommonJS', 'consumer.cts', 'consumer.cjs', `require("@fulian/sdk")`],
  ])(
    'compiles with tsc --strict as %s and runs against a live server',
    async (_format, source, output, importLine) => {
      await writeFile(join(scratch, source), consumer);
      const compiled = await tsc('--outDir', 'out', source);
      expect(compiled.stdout).toBe('');
      expect(compiled.code).toBe(0);
      expect(await readFile(join(scratch, 'out', output), 'utf8')).toContain(importLine);

      const { stdout } = await run('node', [join('out', output), live.endpoint], { cwd: scratch });
      const counties = await live.database.db
        .selectFrom('organization')
        .select('code')
        .where('level', '=', 'COUNTY')
        .where('code', 'like', '4301%')
        .orderBy('path')
        .execute();
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({
        name: '湖南省妇联',
        villages: 29_534,
        errorCode: 'BAD_USER_INPUT',
      });
      expect(result.cities).toHaveLength(14);
      expect(result.cities[0]).toBe('长沙市妇联');
      expect(result.counties).toEqual(counties.map((row) => row.code));
    },
  );

  it('fails to compile code that misuses the types: they are real, not any', async () => {
    const lines = [
      `import { createClient } from '@fulian/sdk';`,
      `const client = createClient({ endpoint: 'http://localhost/graphql' });`,
      `const tree = await client.organizationTree({ code: 43 });`,
      `const name: number | undefined = tree.organization?.name;`,
      `client.paginate.descendants({ code: '43', level: 'HAMLET' });`,
      `await client.node({});`,
      `await client.organisation({ code: '43' });`,
      `createClient({ endpoint: 'http://localhost/graphql', retry: { retries: 'many' } });`,
    ];
    await writeFile(join(scratch, 'broken.mts'), lines.join('\n'));
    const compiled = await tsc('--noEmit', 'broken.mts');
    expect(compiled.code).not.toBe(0);
    const failingLines = new Set(
      [...compiled.stdout.matchAll(/^broken\.mts\((\d+),\d+\): error TS\d+/gm)].map((match) =>
        Number(match[1]),
      ),
    );
    // Every line from the third on holds one mistake, and each is caught.
    expect([...failingLines].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it(`bundles, minified and gzipped, under ${SIZE_BUDGET} bytes with the client and one operation`, async () => {
    const entry = join(scratch, 'size-entry.mjs');
    await writeFile(
      entry,
      [
        `import { createClient } from '@fulian/sdk';`,
        `const client = createClient({ endpoint: '/graphql' });`,
        `export const province = () => client.organizationTree({ code: '43' });`,
      ].join('\n'),
    );
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: scratch,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
    });
    const bundle = result.outputFiles[0]!.contents;
    const gzipped = gzipSync(bundle, { level: 9 }).length;
    console.log(
      `@fulian/sdk consumer bundle: ${bundle.length} bytes minified, ${gzipped} bytes gzipped (budget ${SIZE_BUDGET})`,
    );
    // Only the SDK's own ESM files go in: no graphql, no other package.
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => !input.includes('@fulian/sdk/dist/esm/'))).toEqual([
      'size-entry.mjs',
    ]);
    expect(gzipped).toBeLessThan(SIZE_BUDGET);
  });
});
