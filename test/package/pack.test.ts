/**
 * What `npm pack` (and so `npm publish` and n8n's community-package install) ships: the built nodes
 * and credential that package.json's "n8n" section names, their codex and icons, and nothing that
 * points at files it does not ship (source maps) or that n8n's scanner flags (.d.ts files).
 * The test builds what it packs itself, in a copy of the working tree (what a fresh clone has), with
 * the package's own `npm run build`: it needs no dist/, and never packs a stale one or touches it.
 */
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
	scripts: Record<string, string>;
	publishConfig?: Record<string, unknown>;
};

/** The files a fresh clone would have (tracked, or new and not ignored), copied as they are now, with the installed node_modules beside them. */
function copyOfWorkingTree(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'seedance-pack-'));
	const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
	for (const file of listed.split('\0').filter((name) => name !== '')) {
		const from = path.join(ROOT, file);
		if (!existsSync(from)) continue; // deleted, not yet committed
		mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		copyFileSync(from, path.join(dir, file));
	}
	symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	return dir;
}

let copy: string | undefined;
let files: string[];
beforeAll(() => {
	copy = copyOfWorkingTree();
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: copy, stdio: 'pipe' });
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: copy, encoding: 'utf8' });
	const [report] = JSON.parse(output.slice(output.indexOf('['))) as Array<{ files: Array<{ path: string }> }>;
	files = report.files.map((file) => file.path);
}, 180000);

afterAll(() => {
	if (copy) rmSync(copy, { recursive: true, force: true });
});

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
