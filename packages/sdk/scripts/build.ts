// Builds the two outputs the exports map points at: ESM in dist/esm and CommonJS in dist/cjs,
// each with the declarations tsc wrote for that format.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const project of ['tsconfig.json', 'tsconfig.cjs.json']) {
  execFileSync('tsc', ['-p', project], { cwd: root, stdio: 'inherit' });
}
// The package is "type": "module"; this marks the CommonJS files (and their declarations) as
// CommonJS for Node and for TypeScript.
writeFileSync(join(root, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
