/**
 * `npm start` (scripts/start.js) must not leave n8n or the fake fal running when it dies without
 * its own clean-up (SIGKILL, with its output pipe closed), nor credentials in the temp folder, and
 * it keeps n8n's settings (the encryption key) private; a Ctrl-C during start-up stops what it
 * started and starts nothing more. Two real launcher runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { waitForOutput } from '../scripts/launcherOutput';
import { descendantsOf, killSurvivors, waitUntilGone, type ProcessInfo } from '../scripts/processTree';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const local = require('../../scripts/lib/n8n-local');

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

describe('npm start (scripts/start.js)', () => {
	let scratch: string;
	let launcher: ChildProcess | undefined;
	let snapshot: ProcessInfo[] = [];

	beforeAll(() => {
		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-launcher-'));
	});

	afterEach(() => {
		if (launcher?.pid) killSurvivors(descendantsOf(launcher.pid));
		killSurvivors(snapshot);
		launcher?.kill('SIGKILL');
		snapshot = [];
	});

	afterAll(() => {
		fs.rmSync(scratch, { recursive: true, force: true });
	});

	it('killed with SIGKILL and its pipe closed, leaves no n8n, fake fal or credential file behind', async () => {
		const tmp = path.join(scratch, 'tmp');
		fs.mkdirSync(tmp);
		const userFolder = path.join(scratch, 'n8n');
		const [port, falPort] = [await local.freePort(), await local.freePort()];
		launcher = spawn(process.execPath, ['scripts/start.js', '--no-build', '--port', String(port), '--fal-port', String(falPort), '--job-ms', '1500', '--dir', userFolder], {
			cwd: local.ROOT,
			// TMPDIR: the launcher's temporary files land where this test can look for them.
			env: { ...process.env, NODE_ENV: 'development', TMPDIR: tmp },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		await waitForOutput(launcher, /n8n is ready/, 170000);
		snapshot = descendantsOf(launcher.pid!);
		const commands = snapshot.map((info) => info.command).join('\n');
		expect(commands).toMatch(/n8n start/);
		expect(commands).toMatch(/fake-fal\/cli\.js/);

		// n8n's settings file holds the encryption key; its folder holds the database.
		expect(mode(path.join(userFolder, '.n8n'))).toBe(0o700);
		expect(mode(path.join(userFolder, '.n8n', 'config'))).toBe(0o600);
		// The imported credential's file is gone once imported.
		expect(fs.readdirSync(tmp).filter((name) => /^(credentials|workflow)-/.test(name))).toEqual([]);

		const exited = new Promise((resolve) => launcher!.once('exit', resolve));
		launcher.stdout?.destroy();
		launcher.kill('SIGKILL');
		await exited;

		expect((await waitUntilGone(snapshot, 60000)).map((info) => info.command)).toEqual([]);
	}, 300000);

	it('Ctrl-C while it imports the demo data stops everything it started, and n8n is not started after it', async () => {
		const [port, falPort] = [await local.freePort(), await local.freePort()];
		// Its own process group, as a terminal's job: Ctrl-C sends SIGINT to the whole group.
		launcher = spawn(process.execPath, ['scripts/start.js', '--no-build', '--port', String(port), '--fal-port', String(falPort), '--dir', path.join(scratch, 'n8n-interrupted')], {
			cwd: local.ROOT,
			env: { ...process.env, NODE_ENV: 'development' },
			stdio: ['ignore', 'pipe', 'inherit'],
			detached: true,
		});
		let output = '';
		launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const exited = new Promise((resolve) => launcher!.once('exit', (code, signal) => resolve(signal ?? code)));
		await waitForOutput(launcher, /importing the credential/, 170000);
		// Every process seen below the launcher until it exits (the import command, the fake fal, …).
		const seen = new Map<number, ProcessInfo>();
		const watch = setInterval(() => {
			for (const info of descendantsOf(launcher!.pid!)) seen.set(info.pid, info);
		}, 100);
		for (const info of descendantsOf(launcher.pid!)) seen.set(info.pid, info);
		snapshot = [...seen.values()];
		process.kill(-launcher.pid!, 'SIGINT');
		expect(await exited).toBe(0);
		clearInterval(watch);
		snapshot = [...seen.values()];

		// The signal may come before or while the import command runs: either way it ends with us.
		expect(snapshot.map((info) => info.command).join('\n')).toMatch(/fake-fal\/cli\.js/);
		expect(output).toMatch(/stopping n8n and the fake fal/);
		expect(output).not.toMatch(/starting n8n on/);
		expect((await waitUntilGone(snapshot, 60000)).map((info) => info.command)).toEqual([]);
	}, 300000);
});
