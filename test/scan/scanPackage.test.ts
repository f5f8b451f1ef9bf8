/**
 * scripts/scan-package.js runs n8n's package scanner's lint step on a packed package. These tests pack
 * small throw-away packages, so they show the gate fails on what n8n's scanner rejects and passes a
 * clean package; `npm test` runs the same script on this repository's own packed build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'scan-package.js');

const cleanPackageJson = {
	name: 'n8n-nodes-scan-fixture',
	version: '1.0.0',
	description: 'A package for the scan tests',
	license: 'MIT',
	homepage: 'https://example.com',
	author: { name: 'Fixture', email: 'fixture@example.com' },
	repository: { type: 'git', url: 'https://github.com/example/n8n-nodes-scan-fixture.git' },
	keywords: ['n8n-community-node-package'],
	files: ['dist'],
	n8n: { n8nNodesApiVersion: 1, nodes: ['dist/nodes/Example/Example.node.js'], credentials: [] },
	peerDependencies: { 'n8n-workflow': '*' },
};

let dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
	dirs = [];
});

function makePackage(files: Record<string, string>, packageJson: Record<string, unknown> = cleanPackageJson): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-scan-fixture-'));
	dirs.push(dir);
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
	for (const [file, text] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.writeFileSync(path.join(dir, file), text);
	}
	return dir;
}

function scan(dir: string): { status: number | null; output: string } {
	const result = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
	return { status: result.status, output: result.stdout + result.stderr };
}

const cleanNode = "'use strict';\nexports.answer = 42;\n";

describe('the package scan (n8n scanner lint, offline)', () => {
	it('passes a package whose source and packed JavaScript are clean', () => {
		const { status, output } = scan(makePackage({ 'dist/nodes/Example/Example.node.js': cleanNode }));
		expect(output).toContain('@n8n/scan-community-package@');
		expect(output).toMatch(/✅ source/);
		expect(output).toMatch(/✅ packed tarball/);
		expect(status).toBe(0);
	});

	it('fails on a runtime dependency, naming the rule, in the source and in the packed package.json', () => {
		const dir = makePackage(
			{ 'dist/nodes/Example/Example.node.js': cleanNode },
			{ ...cleanPackageJson, dependencies: { 'left-pad': '1.3.0' } },
		);
		const { status, output } = scan(dir);
		expect(status).toBe(1);
		expect(output).toMatch(/❌ source/);
		expect(output).toMatch(/❌ packed tarball/);
		expect(output.match(/@n8n\/community-nodes\/no-runtime-dependencies/g)).toHaveLength(2);
	});

	it('fails on restricted globals and imports in the packed JavaScript even under an eslint-disable comment', () => {
		const dir = makePackage({
			'dist/nodes/Example/Example.node.js':
				"'use strict';\n/* eslint-disable */\nconst client = require('@fal-ai/client');\nsetTimeout(() => client, 10);\nexports.env = process.env;\n",
		});
		const { status, output } = scan(dir);
		expect(status).toBe(1);
		expect(output).toMatch(/✅ source/);
		expect(output).toMatch(/dist\/nodes\/Example\/Example\.node\.js/);
		expect(output).toMatch(/'@fal-ai\/client'.*no-restricted-imports/);
		expect(output.match(/@n8n\/community-nodes\/no-restricted-globals/g)).toHaveLength(2);
	});

	it('refuses a package packed without its built node files', () => {
		const { status, output } = scan(makePackage({}));
		expect(status).toBe(2);
		expect(output).toContain('lacks dist/nodes/Example/Example.node.js: run `npm run build` first');
	});
});
