/**
 * n8n's verification rule "the node must not be an existing node", checked against the node list of
 * the n8n these tests run (each n8n line): the node and credential types that n8n-nodes-base and
 * @n8n/n8n-nodes-langchain ship (`dist/types/nodes.json` and `credentials.json`, the lists the editor
 * loads). No built-in node covers Seedance, and none of this package's names is taken.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

interface TypeEntry {
	name: string;
	displayName: string;
}

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
const N8N_PACKAGES = ['n8n-nodes-base', '@n8n/n8n-nodes-langchain'];

/** One of n8n's packaged type lists, read from the provisioned n8n's own dependencies. */
function n8nTypes(file: 'nodes.json' | 'credentials.json'): TypeEntry[] {
	const n8nBin = process.env.SEEDANCE_E2E_N8N_BIN;
	if (!n8nBin) throw new Error('SEEDANCE_E2E_N8N_BIN is not set: run with test/e2e/jest.config.js');
	const fromN8n = createRequire(n8nBin);
	return N8N_PACKAGES.flatMap((name) => {
		const folder = path.dirname(fromN8n.resolve(`${name}/package.json`));
		return JSON.parse(readFileSync(path.join(folder, 'dist', 'types', file), 'utf8')) as TypeEntry[];
	});
}

/** The classes package.json names, as built (`npm run e2e` builds first). */
function ours(entries: string[]): TypeEntry[] {
	return entries.map((built) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const [Class] = Object.values(require(path.join(ROOT, built)) as Record<string, new () => unknown>);
		const instance = new Class() as { description?: TypeEntry } & TypeEntry;
		return instance.description ?? { name: instance.name, displayName: instance.displayName };
	});
}

/** A type name without its package ("n8n-nodes-base.httpRequest" in some lists), and a name as a user reads it. */
const typeName = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();
const shownName = (displayName: string) => displayName.replace(/ Trigger$/, '').toLowerCase();

describe(`n8n ${process.env.SEEDANCE_E2E_N8N_VERSION}'s own nodes`, () => {
	const nodes = n8nTypes('nodes.json');
	const credentials = n8nTypes('credentials.json');

	test('the lists are the real ones (hundreds of nodes, the HTTP Request node among them)', () => {
		expect(nodes.length).toBeGreaterThan(400);
		expect(credentials.length).toBeGreaterThan(300);
		expect(nodes.map((node) => typeName(node.name))).toContain('httprequest');
	});

	test('no built-in node is a Seedance, ByteDance or fal node', () => {
		expect(nodes.filter((node) => /seedance|bytedance|\bfal(ai|\.ai)?\b/i.test(`${node.name} ${node.displayName}`))).toEqual([]);
	});

	test("none of this package's nodes has the name or the display name of a built-in node", () => {
		const taken = new Set(nodes.flatMap((node) => [typeName(node.name), shownName(node.displayName)]));
		// The check would catch a copy of n8n's HTTP Request node, by type or by the name the panel shows.
		expect(taken.has(typeName('n8n-nodes-base.httpRequest')) && taken.has(shownName('HTTP Request'))).toBe(true);
		const mine = ours(pkg.n8n.nodes);
		expect(mine).toHaveLength(pkg.n8n.nodes.length);
		for (const node of mine) {
			expect(taken.has(typeName(node.name))).toBe(false);
			expect(taken.has(shownName(node.displayName))).toBe(false);
		}
	});

	test("the credential's type name is not a built-in credential's", () => {
		const taken = new Set(credentials.map((credential) => credential.name.toLowerCase()));
		for (const credential of ours(pkg.n8n.credentials)) expect(taken.has(credential.name.toLowerCase())).toBe(false);
	});
});
