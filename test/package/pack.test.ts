/**
 * What `npm pack` (and so `npm publish` and n8n's community-package install) ships: the built nodes
 * and credential that package.json's "n8n" section names, their codex and icons, and nothing that
 * points at files it does not ship (source maps) or that n8n's scanner flags (.d.ts files).
 * It packs what a fresh clone builds (freshBuild.ts): no dist/ needed, never a stale one.
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

import { FRESH_BUILD_TIMEOUT_MS, freshBuild, ROOT, type FreshBuild } from './freshBuild';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
	scripts: Record<string, string>;
	publishConfig?: Record<string, unknown>;
};

let build: FreshBuild | undefined;
let files: string[];
beforeAll(() => {
	build = freshBuild();
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: build.root, encoding: 'utf8' });
	const [report] = JSON.parse(output.slice(output.indexOf('['))) as Array<{ files: Array<{ path: string }> }>;
	files = report.files.map((file) => file.path);
}, FRESH_BUILD_TIMEOUT_MS);

afterAll(() => build?.remove());

test('the package ships every node and credential that package.json names, with its codex', () => {
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(entry);
	for (const node of pkg.n8n.nodes) expect(files).toContain(node.replace(/\.js$/, '.json'));
	expect(files.some((file) => file.startsWith('dist/') && file.endsWith('.svg'))).toBe(true);
});

test('the package has no source maps (their sources are not shipped) and no .d.ts files', () => {
	expect(files.filter((file) => file.endsWith('.map') || file.endsWith('.d.ts'))).toEqual([]);
});

test('the package ships no sources, tests or local state', () => {
	expect(files.filter((file) => /^(nodes|credentials|test|scripts|bench|examples|docs)\//.test(file) || file.endsWith('.ts'))).toEqual([]);
});

test('npm publish builds dist/ first, although the project turns lifecycle scripts off for installs', () => {
	expect(readFileSync(path.join(ROOT, '.npmrc'), 'utf8')).toMatch(/^ignore-scripts=true$/m);
	expect(pkg.publishConfig?.['ignore-scripts']).toBe(false);
	expect(pkg.scripts.prepack).toBe('npm run build');
});
