/**
 * Rows of n8n's verification checklist that a machine can check (README, "Install on n8n Cloud /
 * self-hosted"): what the editor shows is English with no emoji, every node and the credential have
 * a light and a dark SVG icon that the build ships, the node types are not n8n's "Logic or Flow control"
 * kind, the sources are TypeScript, the license is MIT and the repository a public GitHub one.
 * "Not an existing node" is checked against a real n8n's own node list in test/e2e/existingNodes.e2e.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { FRESH_BUILD_TIMEOUT_MS, freshBuild, type FreshBuild } from './freshBuild';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	license: string;
	homepage: string;
	repository: { url: string };
	n8n: { nodes: string[]; credentials: string[] };
};

/** The class a `dist/…/X.node.js` or `X.credentials.js` entry of package.json is built from. */
function sourceOf(built: string): { source: string; instance: INodeType | ICredentialType } {
	const source = built.replace(/^dist\//, '').replace(/\.js$/, '.ts');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const module = require(path.join(ROOT, source)) as Record<string, new () => INodeType | ICredentialType>;
	const [Class] = Object.values(module).filter((value) => typeof value === 'function');
	return { source, instance: new Class() };
}

const nodes = pkg.n8n.nodes.map((built) => ({ built, ...sourceOf(built) })) as Array<{ built: string; source: string; instance: INodeType }>;
const credentials = pkg.n8n.credentials.map((built) => ({ built, ...sourceOf(built) })) as Array<{ built: string; source: string; instance: ICredentialType }>;

/** Every string in a description, with where it is (labels, hints, options, defaults, nested collections). */
function stringsIn(value: unknown, where = ''): Array<{ where: string; text: string }> {
	if (typeof value === 'string') return [{ where, text: value }];
	if (Array.isArray(value)) return value.flatMap((entry, index) => stringsIn(entry, `${where}[${index}]`));
	if (value && typeof value === 'object') {
		return Object.entries(value).flatMap(([key, entry]) => (typeof entry === 'function' ? [] : stringsIn(entry, where ? `${where}.${key}` : key)));
	}
	return [];
}

// Emoji: characters shown as emoji by default, pictographs asked to show as emoji (U+FE0F), flags and
// keycaps. Text symbols such as → ↔ ✓ ™ are not emoji.
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\u{FE0F}|\p{Regional_Indicator}|\u{20E3}/u;
// A letter from any script but Latin (Greek, Cyrillic, CJK, …): the guidelines ask for English only.
const NON_LATIN_LETTER = /(?!\p{Script=Latin})\p{L}/u;

function offending(strings: Array<{ where: string; text: string }>, pattern: RegExp): string[] {
	return strings.filter(({ text }) => pattern.test(text)).map(({ where, text }) => `${where}: ${text.slice(0, 120)}`);
}

const described = [
	...nodes.map(({ source, instance }) => ({ source, strings: stringsIn(instance.description) })),
	...credentials.map(({ source, instance }) => ({ source, strings: stringsIn({ displayName: instance.displayName, properties: instance.properties }) })),
];

/** The shipped sources: node and credential code, where error messages and runtime hints are written. */
function sourceFiles(dir: string): string[] {
	return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}
const shipped = [...sourceFiles('nodes'), ...sourceFiles('credentials')];

describe('what the editor shows: no emoji, English only', () => {
	test('the check finds an emoji or a non-Latin letter deep in a description (a nested option of a collection)', () => {
		const planted = stringsIn({ properties: [{ displayName: 'Options', options: [{ name: 'x', values: [{ options: [{ name: 'Fast', description: 'Quick 🚀' }] }] }] }] });
		expect(offending(planted, EMOJI)).toEqual(['properties[0].options[0].values[0].options[0].description: Quick 🚀']);
		expect(offending(stringsIn(['Done ✅', 'Fast ⚡', 'Love ❤️', 'US 🇺🇸', 'Step 1️⃣']), EMOJI)).toHaveLength(5);
		expect(offending(stringsIn({ hint: 'Видео' }), NON_LATIN_LETTER)).toEqual(['hint: Видео']);
		// Typography the descriptions use is neither.
		expect(offending(stringsIn({ hint: 'fal.ai → Dashboard → Keys … · “quoted” – 1080p × 2 ≤ 30 s ↔ ✓ ™, café' }), EMOJI)).toEqual([]);
		expect(offending(stringsIn({ hint: 'fal.ai → Dashboard → Keys … · “quoted” – 1080p × 2 ≤ 30 s ↔ ✓ ™, café' }), NON_LATIN_LETTER)).toEqual([]);
	});

	test.each(described)('$source: no names, option names, descriptions, hints or placeholders with an emoji', ({ strings }) => {
		expect(strings.length).toBeGreaterThan(3);
		expect(offending(strings, EMOJI)).toEqual([]);
	});

	test.each(described)('$source: every text is in the Latin script (English)', ({ strings }) => {
		expect(offending(strings, NON_LATIN_LETTER)).toEqual([]);
	});

	test('no emoji or non-Latin letter in the node and credential sources (error messages, runtime hints)', () => {
		expect(shipped.length).toBeGreaterThan(10);
		const found = shipped.flatMap((file) =>
			readFileSync(path.join(ROOT, file), 'utf8')
				.split('\n')
				.flatMap((line, index) => (EMOJI.test(line) || NON_LATIN_LETTER.test(line) ? [`${file}:${index + 1}: ${line.trim().slice(0, 120)}`] : [])),
		);
		expect(found).toEqual([]);
	});
});

/** An icon reference (`file:x.svg`), resolved next to the file that declares it. */
function iconFiles(icon: unknown, besideFile: string): { light: string; dark: string } {
	const { light, dark } = (icon ?? {}) as { light?: string; dark?: string };
	for (const reference of [light, dark]) expect(reference).toMatch(/^file:.+\.svg$/);
	const resolve = (reference: string) => path.join(path.dirname(besideFile), reference.replace(/^file:/, ''));
	return { light: resolve(light as string), dark: resolve(dark as string) };
}

const iconOwners = [
	...nodes.map(({ source, built, instance }) => ({ source, built, icon: instance.description.icon })),
	...credentials.map(({ source, built, instance }) => ({ source, built, icon: instance.icon })),
];

describe('icons', () => {
	let build: FreshBuild | undefined;
	beforeAll(() => (build = freshBuild()), FRESH_BUILD_TIMEOUT_MS);
	afterAll(() => build?.remove());

	test.each(iconOwners)('$source has a light and a dark SVG icon, different files, each a real SVG', ({ source, icon }) => {
		const { light, dark } = iconFiles(icon, source);
		expect(light).not.toBe(dark);
		for (const file of [light, dark]) {
			expect(existsSync(path.join(ROOT, file))).toBe(true);
			const svg = readFileSync(path.join(ROOT, file), 'utf8');
			expect(svg).toMatch(/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<svg\b[^>]*\bxmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
			expect(svg).toMatch(/\bviewBox="[\d.\s-]+"/);
			expect(svg.trim()).toMatch(/<\/svg>$/);
			// An SVG icon that pulls in a script or a remote file is not an icon.
			expect(svg).not.toMatch(/<script|href="(https?:)?\/\//i);
		}
	});

	// What a fresh clone's `npm run build` makes (freshBuild.ts), so no dist/ is needed here.
	test.each(iconOwners)('$built: the build copies both icons beside it in dist/ (gulp build:icons), byte for byte', ({ source, built, icon }) => {
		const builtRoot = build?.root;
		if (!builtRoot) throw new Error('the fresh build did not run');
		const sourceIcons = iconFiles(icon, source);
		const builtIcons = iconFiles(icon, built);
		for (const variant of ['light', 'dark'] as const) {
			expect(existsSync(path.join(builtRoot, builtIcons[variant]))).toBe(true);
			expect(readFileSync(path.join(builtRoot, builtIcons[variant]))).toEqual(readFileSync(path.join(ROOT, sourceIcons[variant])));
		}
	});
});

describe('the rest of the checklist a machine can read', () => {
	test("no node is a Logic or Flow control node (n8n does not accept them): none is in n8n's Core Nodes category or the Flow subcategory", () => {
		for (const { source } of nodes) {
			const codex = JSON.parse(readFileSync(path.join(ROOT, source.replace(/\.ts$/, '.json')), 'utf8')) as { categories: string[]; subcategories?: Record<string, string[]> };
			expect(codex.categories).not.toContain('Core Nodes');
			expect(Object.values(codex.subcategories ?? {}).flat()).not.toContain('Flow');
		}
	});

	test('the nodes and the credential are written in TypeScript (no JavaScript among the sources)', () => {
		expect(shipped.filter((file) => /\.(js|mjs|cjs)$/.test(file))).toEqual([]);
		for (const { source } of [...nodes, ...credentials]) expect(existsSync(path.join(ROOT, source))).toBe(true);
	});

	test('the license is MIT, in package.json and in LICENSE', () => {
		expect(pkg.license).toBe('MIT');
		const license = readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
		expect(license).toMatch(/^MIT License/);
		expect(license).toContain('Permission is hereby granted, free of charge');
	});

	test('the repository is a GitHub repository, and the homepage is on it', () => {
		const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
		expect(repository).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
		expect(pkg.homepage.startsWith(repository)).toBe(true);
	});
});
