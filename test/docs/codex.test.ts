/**
 * What n8n's nodes panel reads from each node's codex (<Node>.node.json): its category, the words
 * that find it and its Docs link. The browser test (test/e2e/editor.e2e.ts) searches the real panel.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	repository: { url: string };
	n8n: { nodes: string[] };
};
const README_URL = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

/** The categories n8n documents for community nodes (docs.n8n.io, "Node codex files"). */
const DOCUMENTED_CATEGORIES = [
	'Analytics',
	'Communication',
	'Data & Storage',
	'Development',
	'Finance & Accounting',
	'Marketing & Content',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
];

/** Words a user types to find each node, beyond the ones every Seedance node answers to. */
const EVERY_NODE_ALIASES = ['Seedance', 'video', 'fal'];
const NODE_ALIASES: Record<string, string[]> = {
	seedanceImageToVideo: ['image to video', 'animate'],
	seedanceTextToVideo: ['text to video', 'prompt to video'],
	seedanceReferenceToVideo: ['reference to video', 'product video'],
};

interface Codex {
	node: string;
	categories: string[];
	subcategories?: Record<string, string[]>;
	alias?: string[];
	resources?: { primaryDocumentation?: Array<{ url: string }>; credentialDocumentation?: Array<{ url: string }> };
}

/** GitHub's anchor for a Markdown heading. */
function slug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N} _-]/gu, '')
		.replace(/ /g, '-');
}

const readmeAnchors = new Set(
	readFileSync(path.join(ROOT, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) => slug(line.replace(/^#+ /, ''))),
);

/** Each node listed in package.json, with the codex file beside its source. */
const nodes = pkg.n8n.nodes.map((built) => {
	const source = built.replace(/^dist\//, '').replace(/\.node\.js$/, '.node.json');
	const codex = JSON.parse(readFileSync(path.join(ROOT, source), 'utf8')) as Codex;
	const name = path.basename(built, '.node.js');
	return { name: name.charAt(0).toLowerCase() + name.slice(1), source, codex };
});

describe.each(nodes)('the codex of $name ($source)', ({ name, source, codex }) => {
	test('names the node type a workflow uses', () => {
		expect(existsSync(path.join(ROOT, source))).toBe(true);
		expect(codex.node).toBe(`${pkg.name}.${name}`);
	});

	test("puts the node only in categories from n8n's documented list, never in AI (the panel's search hides AI nodes that are not root nodes)", () => {
		expect(codex.categories.length).toBeGreaterThan(0);
		for (const category of codex.categories) expect(DOCUMENTED_CATEGORIES).toContain(category);
		expect(codex.subcategories ?? {}).toEqual({});
	});

	test('lets the panel find the node by the words a user types', () => {
		const aliases = (codex.alias ?? []).map((alias) => alias.toLowerCase());
		for (const word of [...EVERY_NODE_ALIASES, ...(NODE_ALIASES[name] ?? [])]) {
			expect(aliases).toContain(word.toLowerCase());
		}
	});

	test("links Docs to this package's README section for the node, and the section exists", () => {
		const links = [...(codex.resources?.primaryDocumentation ?? []), ...(codex.resources?.credentialDocumentation ?? [])];
		expect(codex.resources?.primaryDocumentation?.length).toBeGreaterThan(0);
		for (const { url } of links) {
			expect(url.startsWith(`${README_URL}#`)).toBe(true);
			expect(readmeAnchors).toContain(url.slice(url.indexOf('#') + 1));
		}
	});
});
