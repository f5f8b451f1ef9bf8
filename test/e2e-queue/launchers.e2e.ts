/**
 * `npm run start:queue` and the queue bench must not leave n8n, PostgreSQL or Redis running, nor
 * their temporary folder, when they die without their own clean-up: start:queue killed with SIGKILL
 * (its pipe closed), the bench with its output pipe closed (as when piped into `head`). One real
 * run of each; whatever is left is killed after the test, pass or fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { waitForOutput } from '../scripts/launcherOutput';
import { descendantsOf, killSurvivors, waitUntilGone, type EnvMark, type ProcessInfo } from '../scripts/processTree';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const local = require('../../scripts/lib/n8n-local');

const MARK_NAME = 'SEEDANCE_LAUNCHER_TEST';
/** Temporary folders our scripts make: the queue stack, the e2e template, import files (credentials). */
const OURS = /^(seedance-queue-|seedance-e2e-|credentials-|workflow-)/;
const mode = (file: string): number => fs.statSync(file).mode & 0o777;

// The launchers' clean-up does not depend on n8n: run on the default line only (npm start's).
const onDefaultLine = [undefined, Object.keys(local.N8N_LINES)[0]].includes(process.env.SEEDANCE_N8N_LINE);
const describeOnDefaultLine = onDefaultLine ? describe : describe.skip;

describeOnDefaultLine('launchers in queue mode', () => {
	let scratch: string;
	let launcher: ChildProcess | undefined;
	let snapshot: ProcessInfo[] = [];
	let mark: EnvMark;
	let tmp: string;

	beforeEach(() => {
		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-launcher-'));
		tmp = path.join(scratch, 'tmp');
		fs.mkdirSync(tmp);
		// PostgreSQL runs as `postgres` when we are root: it must pass through to its folder, as in /tmp.
		for (const dir of [scratch, tmp]) fs.chmodSync(dir, 0o711);
		mark = [MARK_NAME, crypto.randomUUID()];
	});

	afterEach(() => {
		if (launcher?.pid) killSurvivors(descendantsOf(launcher.pid));
		killSurvivors(snapshot, mark);
		launcher?.kill('SIGKILL');
		snapshot = [];
		fs.rmSync(scratch, { recursive: true, force: true });
	});

	/** The launcher with a private TMPDIR (its temporary folders land there) and the test's mark. */
	function launch(args: string[]): ChildProcess {
		return spawn(process.execPath, args, {
			cwd: local.ROOT,
			env: { ...process.env, NODE_ENV: 'development', TMPDIR: tmp, [mark[0]]: mark[1] },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
	}

	it('npm run start:queue killed with SIGKILL leaves no n8n, PostgreSQL, Redis or temporary folder', async () => {
		launcher = launch(['scripts/start-queue.js', '--no-build', '--workers', '1', '--job-ms', '1500', '--dir', path.join(scratch, 'package')]);
		await waitForOutput(launcher, /n8n \(queue mode\) is ready/, 420000);
		snapshot = descendantsOf(launcher.pid!);
		const commands = snapshot.map((info) => info.command).join('\n');
		for (const expected of [/bin\/postgres /, /redis-server/, /n8n start/, /n8n worker/, /n8n webhook/]) expect(commands).toMatch(expected);

		// Each n8n process's settings (the encryption key) are private; PostgreSQL may only pass through.
		const [stackDir] = fs.readdirSync(tmp).filter((name) => name.startsWith('seedance-queue-'));
		expect(mode(path.join(tmp, stackDir))).toBe(0o711);
		expect(mode(path.join(tmp, stackDir, 'main', '.n8n'))).toBe(0o700);
		expect(mode(path.join(tmp, stackDir, 'main', '.n8n', 'config'))).toBe(0o600);
		expect(fs.readdirSync(tmp).filter((name) => /^(credentials|workflow)-/.test(name))).toEqual([]);

		const exited = new Promise((resolve) => launcher!.once('exit', resolve));
		launcher.stdout?.destroy();
		launcher.kill('SIGKILL');
		await exited;

		expect((await waitUntilGone(snapshot, 90000, mark)).map((info) => info.command)).toEqual([]);
		// The stack's folder (database, logs, each process's settings) is deleted by the watchdog.
		await until(() => !fs.readdirSync(tmp).some((name) => OURS.test(name)), 30000);
		process.stderr.write(`[launchers] left in TMPDIR by others: ${JSON.stringify(fs.readdirSync(tmp))}\n`);
		expect(fs.readdirSync(tmp).filter((name) => OURS.test(name))).toEqual([]);
	}, 600000);

	it('the queue bench with its output pipe closed stops n8n, PostgreSQL and Redis at once, and deletes its folders', async () => {
		launcher = launch(['bench/run.js', '--only', 'queue', '--queue-executions', '1', '--queue-job-ms', '500', '--no-write']);
		// The stack's servers are up and n8n main is starting: the moment `| head` exited in the report.
		await waitForOutput(launcher, /n8n main on port \d+ \(migrates the database\) …/, 300000);
		snapshot = descendantsOf(launcher.pid!);
		expect(snapshot.map((info) => info.command).join('\n')).toMatch(/redis-server/);

		const exited = new Promise((resolve) => launcher!.once('exit', (code, signal) => resolve(signal ?? code)));
		launcher.stdout?.destroy();
		// The bench notices at its next line of output (the main's readiness), then stops everything.
		expect(await exited).toBe(1);
		expect((await waitUntilGone(snapshot, 90000, mark)).map((info) => info.command)).toEqual([]);
		await until(() => !fs.readdirSync(tmp).some((name) => OURS.test(name)), 30000);
		expect(fs.readdirSync(tmp).filter((name) => OURS.test(name))).toEqual([]);
	}, 480000);
});

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return true;
}
