/**
 * scripts/lib/owned-processes.js: processes a launcher starts end with it, however it ends, and a
 * stop refuses to start anything more. A small launcher (fixtures/launcher.js) stands in for
 * `npm start`; test/e2e/launchers.e2e.ts and test/e2e-queue/startQueue.e2e.ts do the same with the
 * real launchers and n8n.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { descendantsOf, killSurvivors, waitUntilGone, type ProcessInfo } from './processTree';

const LAUNCHER = path.join(__dirname, 'fixtures', 'launcher.js');

function firstLine(child: ChildProcess): Promise<Record<string, unknown>> {
	return new Promise((resolve, reject) => {
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const newline = output.indexOf('\n');
			if (newline >= 0) resolve(JSON.parse(output.slice(0, newline)) as Record<string, unknown>);
		});
		child.once('exit', (code) => reject(new Error(`launcher exited (${code}) before printing`)));
	});
}

describe('owned processes', () => {
	let scratch: string;
	let snapshot: ProcessInfo[] = [];

	beforeEach(() => {
		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'owned-processes-'));
	});

	afterEach(() => {
		killSurvivors(snapshot);
		snapshot = [];
		fs.rmSync(scratch, { recursive: true, force: true });
	});

	it.each(['SIGKILL', 'SIGHUP'])('a launcher ended by %s leaves no child, grandchild or temporary folder behind', async (signal) => {
		const secrets = path.join(scratch, 'secrets');
		const launcher = spawn(process.execPath, [LAUNCHER, secrets], { stdio: ['ignore', 'pipe', 'inherit'] });
		const { pids } = (await firstLine(launcher)) as { pids: number[] };
		await waitFor(() => descendantsOf(launcher.pid!).length >= 4); // watchdog, sleep, sh, its sleeps
		snapshot = descendantsOf(launcher.pid!);
		expect(snapshot.map((info) => info.pid)).toEqual(expect.arrayContaining(pids));
		expect(fs.existsSync(path.join(secrets, 'secret.json'))).toBe(true);

		const exited = new Promise((resolve) => launcher.once('exit', resolve));
		launcher.kill(signal as NodeJS.Signals);
		await exited;

		expect(await waitUntilGone(snapshot, 30000)).toEqual([]);
		expect(fs.existsSync(secrets)).toBe(false);
	});

	it('once stopping, nothing more starts (a Ctrl-C during start-up)', async () => {
		const launcher = spawn(process.execPath, [LAUNCHER, scratch, 'stop-first'], { stdio: ['ignore', 'pipe', 'inherit'] });
		const result = await firstLine(launcher);
		expect(result).toEqual({ started: false, message: expect.stringMatching(/^stopping: sleep 600 not started/) });
	});
});

async function waitFor(condition: () => boolean, timeoutMs = 20000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
