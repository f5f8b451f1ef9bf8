/**
 * A new user's path through the editor, in a headless Chromium (Debian's, driven by playwright-core)
 * on the n8n that `npm start` runs (scripts/start.js: packed package, fake fal, demo credential), on
 * ports the OS chooses, on either n8n line (SEEDANCE_N8N_LINE): log in, open a new workflow, find the
 * node in the nodes panel, add it, pick the demo credential, type a prompt and an image URL, execute
 * it and see the MP4 in the Binary tab; Text-to-Video's Model choice, Draft switch and Complete Draft;
 * Reference-to-Video's references; the choices a node offers as an AI Agent tool; then find and add
 * the trigger and see its webhook URL.
 *
 * Every step leaves a screenshot in $SEEDANCE_SCREENSHOTS_DIR (default: a new temporary folder; the
 * path is printed). `npm run screenshots` runs this file on the 2.x line with
 * SEEDANCE_UPDATE_README_SCREENSHOTS=1, which also copies the README's pictures (README_SHOTS) into docs/.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { BrowserContext, Locator, Page } from 'playwright-core';

import { n8nMajor } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const local = require('../../scripts/lib/n8n-local');

const ROOT: string = local.ROOT;
const DEMO_CREDENTIAL_ID = 'falLocalDemo0001';
const NODE_NAME = 'Seedance Image-to-Video';
/** The trigger as the nodes panel lists it (n8n drops " Trigger" from a trigger's display name). */
const TRIGGER_PANEL_NAME = 'Seedance Video Finished';
const IMAGE_URL = 'https://example.com/cat.png';
const PROMPT = 'The cat slowly turns its head and blinks';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const VIEWPORT = { width: 1440, height: 900 };
/** Tall enough for every field of the node's parameter panel without scrolling. */
const TALL_VIEWPORT = { width: 1440, height: 1500 };
const UI_TIMEOUT_MS = 60000;
/**
 * Where the 1.x editor (1.123) differs from 2.x's for these steps: the node panel's close button.
 * (Its sign-in fields have names but no ids; the rest of the selectors are the same.)
 */
const CLOSE_NODE_PANEL = n8nMajor() >= 2 ? '[data-test-id=ndv-close-button]' : '[data-test-id=back-to-canvas]';
type Clip = { x: number; y: number; width: number; height: number };
/** The README's pictures (docs/<name>) and the step each one shows. */
const README_SHOTS: Record<string, string> = {
	'nodes-panel-search.png': 'search-seedance',
	'node-parameters.png': 'parameters-filled',
	'execution-video.png': 'binary-tab',
	'execution-video-player.png': 'video-player',
	'credential.png': 'credential',
	'trigger-webhook-url.png': 'trigger-webhook-url',
	'text-to-video-model.png': 'text-to-video-model',
	'draft-switch.png': 'text-to-video-draft',
	'complete-draft.png': 'complete-draft',
	'reference-to-video-parameters.png': 'reference-to-video-parameters',
};

const shotsDir = process.env.SEEDANCE_SCREENSHOTS_DIR
	? path.resolve(process.env.SEEDANCE_SCREENSHOTS_DIR)
	: fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-editor-screenshots-'));
const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-editor-'));
const logFile = path.join(shotsDir, 'npm-start.log');

let start: ChildProcess | undefined;
let context: BrowserContext | undefined;
let page: Page;
let baseUrl: string;

/** Debian's Chromium, installed by the project's script when it is missing. */
function ensureChromium(): string {
	const output = execFileSync('bash', [path.join(ROOT, 'scripts', 'install-chromium.sh')], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	return output.trim().split('\n').pop() ?? '';
}

/** `npm start` (scripts/start.js) on free ports in a scratch user folder; resolves with its URL. */
async function startLikeNpmStart(): Promise<string> {
	const [port, falPort] = [await local.freePort(), await local.freePort()];
	const log = fs.openSync(logFile, 'w');
	const args = ['scripts/start.js', '--port', String(port), '--fal-port', String(falPort), '--job-ms', '1500'];
	start = spawn(process.execPath, [...args, '--no-build', '--dir', path.join(scratchDir, 'n8n')], {
		cwd: ROOT,
		env: { ...process.env, NODE_ENV: 'development' },
		stdio: ['ignore', 'pipe', log],
	});
	const child = start;
	return await new Promise((resolve, reject) => {
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			fs.appendFileSync(logFile, chunk);
			output += chunk.toString();
			if (/n8n is ready/.test(output)) resolve(`http://localhost:${port}`);
		});
		child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before n8n was ready; see ${logFile}`)));
	});
}

async function stopNpmStart(): Promise<void> {
	const child = start;
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	const forceKill = setTimeout(() => child.kill('SIGKILL'), 30000);
	await exited;
	clearTimeout(forceKill);
}

/** Step name → screenshot file, numbered in the order taken. */
const shots = new Map<string, string>();
async function shot(name: string, clip?: Clip): Promise<void> {
	const file = path.join(shotsDir, `${String(shots.size + 1).padStart(2, '0')}-${name}.png`);
	shots.set(name, file);
	await page.mouse.move(0, VIEWPORT.height - 1);
	await page.evaluate(() => document.fonts.ready);
	await page.waitForTimeout(500);
	await page.screenshot({ path: file, animations: 'disabled', clip });
}

/** Closes n8n's toasts ("Node executed successfully"), which would cover the next pictures. */
async function closeToasts(): Promise<void> {
	for (const button of await page.locator('.el-notification__closeBtn').all()) await button.click().catch(() => undefined);
	await page.locator('.el-notification').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
}

/** The parameter column of the node panel, from its tabs down to the last parameter; `whole`: to the column's end. */
async function parameterPanelClip(ndv: Locator, whole = false): Promise<Clip> {
	return await ndv.locator('[data-test-id=node-parameters]').evaluate((parameters, toEnd) => {
		let column: HTMLElement = parameters as HTMLElement;
		while (column.parentElement && !/_column_/.test(column.className)) column = column.parentElement;
		const box = column.getBoundingClientRect();
		const items = parameters.querySelectorAll('[data-test-id=parameter-item], [data-test-id=collection-parameter-add]');
		const bottom = Math.max(...Array.from(items, (item) => item.getBoundingClientRect().bottom));
		return { x: box.left, y: box.top, width: box.width, height: toEnd ? box.height : Math.min(box.height, bottom - box.top + 16) };
	}, whole);
}

/** The parameter column and the dropdown open in it (it can be wider than the column). */
async function withOpenDropdown(ndv: Locator): Promise<Clip> {
	const column = await parameterPanelClip(ndv, true);
	const dropdown = await page.locator('.el-select-dropdown').filter({ visible: true }).first().boundingBox();
	if (!dropdown) return column;
	const x = Math.min(column.x, dropdown.x);
	const right = Math.max(column.x + column.width, dropdown.x + dropdown.width);
	return { x, y: column.y, width: right - x, height: column.height };
}

/** Opens the nodes panel on a new, empty workflow and types `query` into its search. */
async function searchNewWorkflow(query: string): Promise<Locator> {
	await page.goto(`${baseUrl}/workflow/new`);
	await page.locator('[data-test-id=canvas-add-button]').click();
	const panel = page.locator('[data-test-id=node-creator]');
	await panel.locator('[data-test-id=node-creator-search-bar]').fill(query);
	return panel;
}

function panelItem(panel: Locator, name: string): Locator {
	return panel.locator('[data-test-id=node-creator-item-name]').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) });
}

/** Saves a workflow through the REST API the editor uses (with its session); resolves with its id. */
async function createWorkflow(workflow: Record<string, unknown>): Promise<string> {
	return await page.evaluate(async (body) => {
		const response = await fetch('/rest/workflows', {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': localStorage.getItem('n8n-browserId') ?? '' },
			body: JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`POST /rest/workflows: HTTP ${response.status} ${await response.text()}`);
		return ((await response.json()) as { data: { id: string } }).data.id;
	}, workflow);
}

/** Opens a saved node's panel and lists, for each of `fields`, the names of the values its dropdown offers. */
async function offeredChoices(nodeName: string, fields: string[]): Promise<Record<string, string[]>> {
	await page.locator(`[data-test-id=canvas-node][data-node-name="${nodeName}"]`).dblclick();
	const ndv = page.locator('[data-test-id=ndv]');
	const choices: Record<string, string[]> = {};
	for (const field of fields) {
		await ndv.locator(`[data-test-id=parameter-input-${field}]`).click();
		const options = page.locator('.el-select-dropdown').filter({ visible: true }).getByRole('option');
		await options.first().waitFor();
		await shot(`${field}-${nodeName.replace(/\W+/g, '-').toLowerCase()}`, await withOpenDropdown(ndv));
		// Each option shows its name, then its description below it.
		choices[field] = (await options.allInnerTexts()).map((text) => text.trim().split('\n')[0].trim());
		await page.keyboard.press('Escape');
		await options.first().waitFor({ state: 'hidden' });
	}
	await page.locator(CLOSE_NODE_PANEL).click();
	return choices;
}

/** Adds a node of the family from the nodes panel with its Generate action; resolves with its open panel. */
async function addNode(name: string, action: string): Promise<Locator> {
	const panel = await searchNewWorkflow('Seedance');
	await panelItem(panel, name).click();
	await panel.locator('[data-test-id=node-creator-item-name]').filter({ hasText: action }).click();
	const ndv = page.locator('[data-test-id=ndv]');
	await ndv.locator('[data-test-id=node-parameters]').waitFor();
	return ndv;
}

beforeAll(async () => {
	fs.mkdirSync(shotsDir, { recursive: true });
	process.stderr.write(`\n[browser] screenshots of each step: ${shotsDir}\n`);
	const executablePath = ensureChromium();
	baseUrl = await startLikeNpmStart();
	const { chromium } = await import('playwright-core');
	context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(scratchDir, 'chromium-')), {
		executablePath,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: VIEWPORT,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	context.setDefaultTimeout(UI_TIMEOUT_MS);
	page = context.pages()[0] ?? (await context.newPage());

	await page.goto(`${baseUrl}/signin`);
	// 2.x gives the fields ids, 1.x only names.
	await page.fill('input[name=emailOrLdapLoginId]', local.DEMO_OWNER.email);
	await page.fill('input[name=password]', local.DEMO_OWNER.password);
	await shot('sign-in');
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}, 900000);

afterAll(async () => {
	await context?.close().catch(() => undefined);
	await stopNpmStart();
	if (process.env.SEEDANCE_UPDATE_README_SCREENSHOTS) {
		for (const [name, stepName] of Object.entries(README_SHOTS)) {
			const from = shots.get(stepName);
			if (from) fs.copyFileSync(from, path.join(ROOT, 'docs', name));
		}
	}
	fs.rmSync(scratchDir, { recursive: true, force: true });
	process.stderr.write(`[browser] screenshots of each step: ${shotsDir}\n`);
}, 60000);

describe('a new user in the editor of `npm start`', () => {
	test('finds Seedance Image-to-Video (and its Text- and Reference-to-Video siblings) in the nodes panel by "Seedance", and by "image to video"', async () => {
		let panel = await searchNewWorkflow('Seedance');
		await shot('new-workflow-panel');
		await panelItem(panel, NODE_NAME).waitFor();
		await panelItem(panel, TRIGGER_PANEL_NAME).waitFor();
		// The rest of the family sits next to it.
		await panelItem(panel, 'Seedance Text-to-Video').waitFor();
		await panelItem(panel, 'Seedance Reference-to-Video').waitFor();
		await shot('search-seedance');

		panel = await searchNewWorkflow('image to video');
		await panelItem(panel, NODE_NAME).waitFor();
		await shot('search-image-to-video');
	});

	test('adds the node, picks the demo credential, runs a prompt and an image URL, and shows video/mp4 in the Binary tab', async () => {
		const ndv = await addNode(NODE_NAME, 'Generate a video from an image');
		await ndv.locator('[data-test-id=node-credentials-select]').click();
		await page.locator(`[data-test-id=node-credentials-select-item-${DEMO_CREDENTIAL_ID}]`).click();
		await ndv.locator('[data-test-id=parameter-input-prompt] textarea').fill(PROMPT);
		const imageUrl = ndv.locator('[data-test-id=parameter-input-imageUrl] input');
		await imageUrl.fill(IMAGE_URL);
		await imageUrl.blur(); // its input tip would cover the next field in the picture
		await page.setViewportSize(TALL_VIEWPORT);
		await shot('parameters-filled', await parameterPanelClip(ndv));
		await page.setViewportSize(VIEWPORT);

		await ndv.locator('[data-test-id=node-execute-button]').click();
		const output = ndv.locator('[data-test-id=output-panel]');
		await output.locator('[data-test-id=node-run-status-success]').waitFor({ timeout: 120000 });
		await output.locator('[data-test-id=radio-button-binary]').click();
		const binary = output.locator('[data-test-id=ndv-binary-data_0]');
		await binary.waitFor();
		await closeToasts();
		await shot('binary-tab');
		expect(await binary.innerText()).toMatch(/Mime Type:\s*video\/mp4/);
		expect(await binary.innerText()).toMatch(/File Name:\s*\S+\.mp4/);

		// The canvas behind the panel: n8n put a manual trigger before the node, both ran.
		await page.locator(CLOSE_NODE_PANEL).click();
		await page.locator('[data-test-id=zoom-to-fit]').click();
		const node = page.locator(`[data-test-id=canvas-node][data-node-name="${NODE_NAME}"]`);
		await node.locator('[data-test-id=canvas-node-status-success]').waitFor();
		await closeToasts();
		await shot('canvas-executed');

		// The MP4 plays in n8n's binary viewer (paused on a frame, so the picture is stable).
		await node.dblclick();
		await output.locator('[data-test-id=radio-button-binary]').click();
		await output.locator('[data-test-id=ndv-view-binary-data]').click();
		const video = ndv.locator('video');
		await video.waitFor();
		const played = await video.evaluate(async (element: HTMLVideoElement) => {
			if (element.paused) await element.play().catch(() => ((element.muted = true), element.play()));
			await new Promise<void>((resolve) => {
				const check = (): void => {
					if (element.currentTime >= 1 || element.ended) resolve();
					else requestAnimationFrame(check);
				};
				check();
			});
			element.pause();
			return { width: element.videoWidth, height: element.videoHeight };
		});
		expect(played.width).toBeGreaterThan(0);
		expect(played.height).toBeGreaterThan(0);
		await shot('video-player');

		// The credential it uses, as its dialog shows it.
		await ndv.locator('[data-test-id=credential-edit-button]').click();
		const dialog = page.locator('[data-test-id=editCredential-modal]');
		await dialog.getByText('API Key').first().waitFor();
		await shot('credential', (await dialog.boundingBox()) ?? undefined);
		await page.keyboard.press('Escape');
	});

	test('Text-to-Video offers Seedance 2.5 and 2.0, its Draft switch hides Resolution, and Complete Draft asks for a Draft ID', async () => {
		const ndv = await addNode('Seedance Text-to-Video', 'Generate a video from a prompt');
		await ndv.locator('[data-test-id=parameter-input-prompt] textarea').fill('A barista pours latte art in slow motion, warm morning light');

		await ndv.locator('[data-test-id=parameter-input-model]').click();
		await page.getByRole('option', { name: /Seedance 2\.0/ }).waitFor();
		await page.getByRole('option', { name: /Seedance 2\.5/ }).hover();
		await shot('text-to-video-model', await withOpenDropdown(ndv));
		await page.getByRole('option', { name: /Seedance 2\.5/ }).click();

		const resolution = ndv.locator('[data-test-id=parameter-input-resolution]');
		await resolution.waitFor();
		await ndv.locator('[data-test-id=parameter-input-draft] .el-switch').click();
		await resolution.waitFor({ state: 'detached' });
		await page.setViewportSize(TALL_VIEWPORT);
		await shot('text-to-video-draft', await parameterPanelClip(ndv));
		await page.setViewportSize(VIEWPORT);

		await ndv.locator('[data-test-id=parameter-input-operation]').click();
		await page.getByRole('option', { name: /Complete Draft/ }).click();
		await ndv.locator('[data-test-id=parameter-input-draftId]').waitFor();
		await ndv.locator('[data-test-id=parameter-input-prompt]').waitFor({ state: 'detached' });
		await shot('complete-draft', await parameterPanelClip(ndv));
	});

	test('Reference-to-Video takes images, videos and audio as references, named @Image1… in the prompt', async () => {
		const ndv = await addNode('Seedance Reference-to-Video', 'Generate a video from references');
		for (const field of ['referenceVideoSource', 'referenceAudioSource']) await ndv.locator(`[data-test-id=parameter-input-${field}]`).waitFor();
		await ndv.locator('[data-test-id=parameter-input-prompt] textarea').fill('The bottle from @Image1 turns slowly on a marble table, the logo from @Image2 fades in');
		await ndv.locator('[data-test-id=parameter-input-referenceImageSource]').click();
		await page.getByRole('option', { name: /^URLs/ }).click();
		const urls = ndv.locator('[data-test-id=parameter-input-referenceImageUrls] textarea');
		await urls.fill('https://example.com/product.png\nhttps://example.com/logo.png');
		await urls.blur();
		await page.setViewportSize(TALL_VIEWPORT);
		await shot('reference-to-video-parameters', await parameterPanelClip(ndv));
		await page.setViewportSize(VIEWPORT);
	});

	test('as an AI Agent tool, Mode offers no Submit and Wait for Webhook, and the image no Binary Property', async () => {
		const seedance = { parameters: { prompt: PROMPT, imageUrl: IMAGE_URL }, credentials: { falApi: { id: DEMO_CREDENTIAL_ID, name: 'Fal API (local demo)' } } };
		const workflowId = await createWorkflow({
			name: 'Seedance as a workflow node and as a tool',
			active: false, // n8n 1.x requires it
			nodes: [
				{ ...seedance, id: 'w1', name: NODE_NAME, type: 'n8n-nodes-seedance.seedanceImageToVideo', typeVersion: 2, position: [0, 0] },
				{ ...seedance, id: 't1', name: `${NODE_NAME} Tool`, type: 'n8n-nodes-seedance.seedanceImageToVideoTool', typeVersion: 2, position: [0, 300] },
			],
			connections: {},
			settings: {},
		});
		await page.goto(`${baseUrl}/workflow/${workflowId}`);

		expect(await offeredChoices(NODE_NAME, ['mode', 'imageSource'])).toEqual({
			mode: ['Wait for Completion', 'Submit and Wait for Webhook', 'Submit Only'],
			imageSource: ['URL', 'Binary Property'],
		});
		expect(await offeredChoices(`${NODE_NAME} Tool`, ['mode', 'imageSource'])).toEqual({
			mode: ['Wait for Completion', 'Submit Only'],
			imageSource: ['URL'],
		});
	});

	test('finds and adds the trigger, which shows its webhook URL', async () => {
		const panel = await searchNewWorkflow('Seedance');
		await panelItem(panel, TRIGGER_PANEL_NAME).click();
		await shot('trigger-events');
		await panel.locator('[data-test-id=node-creator-item-name]').filter({ hasText: /^\s*On video ready\s*$/ }).click();

		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.getByText('Webhook URLs').click();
		const url = ndv.getByText(/\/webhook(-test)?\/\S+\/seedance/).first();
		await url.waitFor();
		expect(await url.innerText()).toContain(`${baseUrl}/webhook`);
		await closeToasts();
		await shot('trigger-webhook-url');
	});
});
