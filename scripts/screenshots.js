#!/usr/bin/env node
'use strict';
/**
 * `npm run screenshots`: the README's pictures, taken from a real n8n 2.41.1 with this package, the
 * way `npm start` runs it (packed package, fake fal, demo credential, example workflows), in a
 * temporary n8n user folder. A headless Chromium (Debian's `chromium`, driven by playwright-core)
 * logs in, opens the "image URL to video" example, executes it and captures:
 *   docs/workflow-executed.png       the example on the canvas after a successful run
 *   docs/node-parameters.png         the Seedance node's parameter panel
 *   docs/execution-video.png         the node's output: the MP4 as n8n binary data
 *   docs/execution-video-player.png  the same MP4 playing in n8n's binary viewer
 *   docs/credential.png              the Fal API credential dialog
 * Not part of `npm test`. Options: --keep (keep the temporary user folder), --out <dir> (default docs).
 * Chromium: CHROMIUM_PATH or /usr/bin/chromium (`apt-get install chromium`; `npx playwright install`
 * is not needed).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const local = require('./lib/n8n-local');
const { startFakeFal } = require('../test/fake-fal');

const EXAMPLES_DIR = path.join(local.ROOT, 'examples');
const EXAMPLE_FILE = 'image-url-to-video.json';
const SEEDANCE_NODE = 'Seedance Image-to-Video';
const DEMO_API_KEY = 'demo-key';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
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
/** Tall enough for every field of the parameter panel without scrolling. */
const TALL_VIEWPORT = { width: 1440, height: 1500 };
const UI_TIMEOUT_MS = 60000;

const say = (message) => console.log(`\x1b[36m[screenshots]\x1b[0m ${message}`);

function option(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

async function timed(label, step) {
	const started = Date.now();
	say(`${label} …`);
	const result = await step();
	say(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return result;
}

/** n8n in its own process group, so that stopping it also stops its task runner. */
function startN8n({ nodeBin, n8nBin, env }, logFile) {
	const log = fs.openSync(logFile, 'a');
	const child = spawn(nodeBin, [n8nBin, 'start'], { env, detached: true, stdio: ['ignore', log, log] });
	const exited = new Promise((resolve) => child.once('exit', resolve));
	return {
		child,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				return;
			}
			const timer = setTimeout(() => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// gone
				}
			}, 15000);
			await exited;
			clearTimeout(timer);
		},
	};
}

async function prepareN8n(userFolder, fakeUrl) {
	const { nodeBin, n8nBin } = await timed('provisioning Node 24 + n8n (cached after the first run)', () => local.provision({ echo: true }));
	await timed('packing and installing the package', async () => {
		const tarball = await local.packPackage(path.join(userFolder, 'pack'));
		await local.installPackage(tarball, userFolder);
	});
	const port = await local.freePort();
	const env = {
		...local.n8nEnv({ userFolder, n8nBin, port, hermetic: true }),
		N8N_RUNNERS_BROKER_PORT: String(await local.freePort()),
	};
	const ctx = { nodeBin, n8nBin, env };
	const workflows = fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')));
	const image = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, EXAMPLE_FILE), 'utf8'));
	const { falApi } = image.nodes.find((node) => node.type === local.NODE_TYPE).credentials;
	await timed('importing the demo credential and the example workflows', async () => {
		const credential = local.falCredential({ ...falApi, apiKey: DEMO_API_KEY, apiHost: fakeUrl });
		await local.n8nCommand(ctx, ['import:credentials', '--input', local.writeTempJson('credentials', [credential])]);
		await local.n8nCommand(ctx, ['import:workflow', '--input', local.writeTempJson('workflows', workflows)]);
	});
	return { ctx, port, workflowId: image.id, credentialName: falApi.name };
}

async function launchBrowser(scratchDir) {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`);
	}
	const { chromium } = require('playwright-core');
	const userDataDir = fs.mkdtempSync(path.join(scratchDir, 'chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: VIEWPORT,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	context.setDefaultTimeout(UI_TIMEOUT_MS);
	const page = context.pages()[0] ?? (await context.newPage());
	return { context, page };
}

async function signIn(page, baseUrl) {
	await page.goto(`${baseUrl}/signin`);
	await page.fill('#emailOrLdapLoginId', local.DEMO_OWNER.email);
	await page.fill('#password', local.DEMO_OWNER.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** Lets animations, fonts and lazy panels settle before a capture. */
async function settle(page, ms = 800) {
	await page.mouse.move(0, VIEWPORT.height - 1);
	await page.evaluate(() => document.fonts.ready);
	await page.waitForTimeout(ms);
}

async function capture(page, outDir, file, { clip } = {}) {
	const target = path.join(outDir, file);
	await page.screenshot({ path: target, animations: 'disabled', clip });
	say(`wrote ${path.relative(local.ROOT, target)}`);
	return target;
}

/** The parameter column of the node panel, from its tabs down to the last parameter. */
async function parameterPanelClip(ndv) {
	return await ndv.locator('[data-test-id=node-parameters]').evaluate((parameters) => {
		let column = parameters;
		while (column.parentElement && !/_column_/.test(column.className)) column = column.parentElement;
		const box = column.getBoundingClientRect();
		const items = parameters.querySelectorAll('[data-test-id=parameter-item], [data-test-id=collection-parameter-add]');
		const bottom = Math.max(...[...items].map((item) => item.getBoundingClientRect().bottom));
		return { x: box.left, y: box.top, width: box.width, height: Math.min(box.height, bottom - box.top + 16) };
	});
}

/** Closes n8n's toasts ("Workflow executed successfully"), which would cover the next pictures. */
async function closeToasts(page) {
	for (const button of await page.locator('.el-notification__closeBtn').all()) await button.click().catch(() => undefined);
	await page.locator('.el-notification').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
}

async function takeScreenshots(page, { baseUrl, workflowId, credentialName, outDir }) {
	await timed('signing in as the demo owner', () => signIn(page, baseUrl));
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	const seedance = page.locator(`[data-test-id=canvas-node][data-node-name="${SEEDANCE_NODE}"]`);
	await seedance.waitFor();

	await timed('executing the example workflow', async () => {
		await page.click('[data-test-id=execute-workflow-button]');
		await seedance.locator('[data-test-id=canvas-node-status-success]').waitFor({ timeout: 120000 });
	});
	await page.click('[data-test-id=zoom-to-fit]');
	await settle(page);
	const shots = [await capture(page, outDir, 'workflow-executed.png')];
	await closeToasts(page);

	// The node's panel, tall enough to show every parameter.
	await page.setViewportSize(TALL_VIEWPORT);
	await seedance.dblclick();
	const ndv = page.locator('[data-test-id=ndv]');
	await ndv.locator('[data-test-id=node-parameters]').waitFor();
	await ndv.locator('[data-test-id=ndv-binary-data_0]').waitFor();
	await settle(page);
	shots.push(await capture(page, outDir, 'node-parameters.png', { clip: await parameterPanelClip(ndv) }));

	// The output: the MP4 as binary property "data" …
	await page.setViewportSize(VIEWPORT);
	await settle(page);
	shots.push(await capture(page, outDir, 'execution-video.png'));

	// … and playing in n8n's binary viewer (paused on a frame, so the picture is the same each run).
	await ndv.locator('[data-test-id=ndv-view-binary-data]').click();
	const video = ndv.locator('video');
	await video.waitFor();
	// n8n serves binaries without Range support, so the viewer cannot seek: play to a frame instead.
	await video.evaluate(async (element) => {
		if (element.paused) {
			// Muted only if the autoplay policy refuses to play with sound.
			await element.play().catch(() => ((element.muted = true), element.play()));
		}
		await new Promise((resolve) => {
			const check = () => (element.currentTime >= 1.5 || element.ended ? resolve() : requestAnimationFrame(check));
			check();
		});
		element.pause();
	});
	const played = await video.evaluate((element) => ({
		width: element.videoWidth,
		height: element.videoHeight,
		duration: element.duration,
		at: element.currentTime,
	}));
	say(`n8n's viewer decoded the MP4: ${played.width}×${played.height}, ${played.duration.toFixed(1)} s, paused at ${played.at.toFixed(1)} s`);
	await settle(page);
	shots.push(await capture(page, outDir, 'execution-video-player.png'));

	// The credential dialog, opened from the node's credential field.
	await ndv.locator('[data-test-id=credential-edit-button]').click();
	const dialog = page.locator('[data-test-id=editCredential-modal]');
	await dialog.waitFor();
	await dialog.getByText('API Key').first().waitFor();
	await dialog.getByText(credentialName).first().waitFor({ state: 'attached' });
	await settle(page);
	const dialogBox = await dialog.boundingBox();
	shots.push(await capture(page, outDir, 'credential.png', { clip: dialogBox ?? undefined }));
	return shots;
}

async function main() {
	const started = Date.now();
	const outDir = path.resolve(local.ROOT, option('out', 'docs'));
	fs.mkdirSync(outDir, { recursive: true });
	if (!fs.existsSync(path.join(local.ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` (npm run screenshots does)');
	const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-screenshots-'));
	const userFolder = path.join(scratchDir, 'n8n');
	const logFile = path.join(scratchDir, 'n8n.log');
	const cleanups = [];
	try {
		// npm start's address for the fake (shown in the credential dialog) when it is free.
		const fakeOptions = { apiKey: DEMO_API_KEY, queueMs: 300, jobMs: 1500 };
		const fake = await startFakeFal({ ...fakeOptions, port: 9710 }).catch(() => startFakeFal(fakeOptions));
		cleanups.push(() => fake.close());
		const { ctx, port, workflowId, credentialName } = await prepareN8n(userFolder, fake.url);

		const n8n = startN8n(ctx, logFile);
		cleanups.push(() => n8n.stop());
		const baseUrl = `http://localhost:${port}`;
		await timed(`starting n8n on ${baseUrl}`, () =>
			local.waitForHttpOk(`http://127.0.0.1:${port}/healthz/readiness`, {
				timeoutMs: 180000,
				isAlive: () => n8n.child.exitCode === null,
			}),
		);

		const { context, page } = await timed('starting Chromium', () => launchBrowser(scratchDir));
		cleanups.push(() => context.close());
		const shots = await takeScreenshots(page, { baseUrl, workflowId, credentialName, outDir });
		say(`${shots.length} screenshots in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	} catch (error) {
		if (fs.existsSync(logFile)) console.error(`n8n log (last lines):\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}`);
		throw error;
	} finally {
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
		if (process.argv.includes('--keep')) say(`kept ${scratchDir}`);
		else fs.rmSync(scratchDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`\x1b[31m[screenshots] ${error.stack ?? error.message}\x1b[0m`);
	process.exit(1);
});
