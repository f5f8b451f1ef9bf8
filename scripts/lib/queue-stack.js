'use strict';
/**
 * n8n in queue mode on this one machine, shared by `npm run start:queue` (scripts/start-queue.js),
 * the queue-mode e2e suite (test/e2e-queue) and the queue bench (bench/scenarios/queue.js):
 *   - a private PostgreSQL cluster in a temporary folder (initdb + postgres, no system service;
 *     as root it runs as the `postgres` user, since PostgreSQL refuses to run as root);
 *   - a private redis-server (no persistence to disk except an explicit SHUTDOWN SAVE);
 *   - `n8n start` (main: editor, REST API; production webhooks switched off, as behind a load
 *     balancer that sends /webhook* to the webhook processors), `n8n worker` ×N, `n8n webhook`.
 * Every port comes from the OS. The servers and n8n processes each lead their own process group,
 * so stop() (and a killed worker) takes their children (n8n's task runner) along. They are owned
 * processes (scripts/lib/owned-processes.js): if whoever runs the stack dies without stop(), its
 * watchdog stops them and deletes the working folder.
 * The environment each n8n process gets is queueEnv() below; examples/deploy/docker-compose.yml
 * sets the same variables.
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const local = require('./n8n-local');
const { spawnOwned, removeOnExit, removeNow, StoppingError } = require('./owned-processes');

const DB_NAME = 'n8n';
const DB_USER = 'n8n';
const STOP_GRACE_MS = 20000;

/** redis-server and PostgreSQL's bin folder, installed by scripts/provision-queue.sh where missing. */
async function provisionQueueTools({ echo = true } = {}) {
	const { stdout } = await local.run('bash', [path.join(local.ROOT, 'scripts', 'provision-queue.sh')], { echo });
	const [redisServer, pgBin] = stdout.trim().split('\n').slice(-2);
	return { redisServer, pgBin };
}

/**
 * The variables that make an n8n process part of the queue-mode installation. Same for main,
 * workers and webhook processors, apart from ports.
 */
function queueEnv({ pgPort, redisPort, encryptionKey, webhookUrl }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(pgPort),
		DB_POSTGRESDB_DATABASE: DB_NAME,
		DB_POSTGRESDB_USER: DB_USER,
		DB_POSTGRESDB_PASSWORD: '',
		// n8n's default pool is 2 connections per process: a burst of fal callbacks (200 at once in the
		// bench) then waits for a connection, times out after 20 s and is answered 500 (fal retries).
		DB_POSTGRESDB_POOL_SIZE: '10',
		N8N_ENCRYPTION_KEY: encryptionKey,
		// Binary data written by a worker must be readable by the main (editor) and other workers.
		// n8n 2.41 defaults to `database` in queue mode (n8n-core binary-data.config.js); said here
		// explicitly because `filesystem` (the default otherwise) breaks across machines.
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// n8n 1.x offers only `filesystem` unless told (2.41 offers all three): without `database`
		// here it has no database store and silently keeps the videos in memory, inside the
		// execution data (base commands' initBinaryDataService).
		N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database',
		// Resume URLs ($execution.resumeUrl, our fal_webhook) and trigger URLs point at the webhook processor.
		WEBHOOK_URL: webhookUrl,
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// A killed worker's execution is not run again: n8n 2.x always runs its queue so
		// (scaling.service.js, maxStalledCount 0); n8n 1.x's default 1 restarts the execution from
		// the start on another worker, and a Wait for Completion node then submits to fal again
		// (a second bill, test/e2e-queue/queueMode.e2e.ts).
		QUEUE_WORKER_MAX_STALLED_COUNT: '0',
	};
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port, { timeoutMs = 60000, isAlive = () => true, what = `port ${port}` } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const open = await new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => socket.end(() => resolve(true)));
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (!isAlive()) throw new Error(`${what} exited before listening on ${port}`);
		if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** uid/gid to run PostgreSQL as: ourselves, or `postgres` when we are root. */
function postgresUser() {
	if (process.getuid?.() !== 0) return {};
	const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
	return { uid, gid };
}

class QueueStack {
	/**
	 * @param {object} o
	 * @param {string} o.nodeBin, o.n8nBin  Node 24 and n8n (scripts/provision-n8n.sh)
	 * @param {string} o.nodesDir  an installed `<user folder>/.n8n/nodes` (our package inside)
	 * @param {string} [o.dir]  working folder (made under the OS temp folder when omitted)
	 * @param {number} [o.workers=2]
	 * @param {number} [o.mainPort]  default: a free port
	 * @param {Record<string,string>} [o.env]  extra env for every n8n process
	 * @param {boolean} [o.hermetic]  drop N8N_*, DB_*, … from our own env (tests)
	 * @param {(name: string, line: string) => void} [o.onLine]  each output line of each process
	 * @param {(message: string) => void} [o.say]  progress
	 * @param {{redisServer: string, pgBin: string}} [o.tools]  from provisionQueueTools() (else run it)
	 */
	constructor(o) {
		this.o = { workers: 2, say: () => {}, onLine: () => {}, env: {}, ...o };
		this.tools = o.tools;
		this.dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-queue-'));
		if (!o.dir) removeOnExit(this.dir);
		this.processes = new Map();
		this.stopping = false;
		this.encryptionKey = crypto.randomBytes(24).toString('base64');
	}

	get logDir() {
		return path.join(this.dir, 'logs');
	}

	/** Everything one process printed so far. */
	log(name) {
		const file = path.join(this.logDir, `${name}.log`);
		return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	}

	get workerNames() {
		return Array.from({ length: this.o.workers }, (_, index) => `worker${index + 1}`);
	}

	/** Spawns an owned process in its own group, lines to the log file and onLine. */
	spawnProcess(name, command, args, options = {}) {
		if (this.stopping) throw new StoppingError(`stopping: ${name} not started`);
		fs.mkdirSync(this.logDir, { recursive: true });
		const child = spawnOwned(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		const logFile = fs.createWriteStream(path.join(this.logDir, `${name}.log`), { flags: 'a' });
		const entry = { name, child, exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code))) };
		this.processes.set(name, entry);
		for (const stream of [child.stdout, child.stderr]) {
			let rest = '';
			stream.on('data', (chunk) => {
				logFile.write(chunk);
				const lines = (rest + chunk).split('\n');
				rest = lines.pop();
				for (const line of lines) if (line.trim()) this.o.onLine(name, line);
			});
		}
		child.once('exit', (code, signal) => {
			logFile.end();
			if (this.processes.get(name) === entry) this.processes.delete(name);
			if (!this.stopping) this.o.onExit?.(name, signal ?? code);
		});
		return entry;
	}

	isAlive(name) {
		return this.processes.has(name);
	}

	pid(name) {
		return this.processes.get(name)?.child.pid;
	}

	async startPostgres() {
		const { pgBin } = this.tools;
		const dataDir = path.join(this.dir, 'pg');
		const user = postgresUser();
		fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
		// PostgreSQL (run as `postgres` when we are root) must reach its folder, but not list or read
		// the others (each n8n user folder holds the encryption key).
		fs.chmodSync(this.dir, 0o711);
		if (user.uid !== undefined) fs.chownSync(dataDir, user.uid, user.gid);
		const asUser = { ...user, cwd: dataDir, env: { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } };
		await new Promise((resolve, reject) => {
			const initdb = spawnOwned(path.join(pgBin, 'initdb'), ['-D', dataDir, '-U', DB_USER, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { ...asUser, stdio: ['ignore', 'pipe', 'pipe'] });
			let output = '';
			initdb.stdout.on('data', (chunk) => (output += chunk));
			initdb.stderr.on('data', (chunk) => (output += chunk));
			initdb.once('error', reject);
			initdb.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${code}):\n${output.slice(-2000)}`))));
		});
		this.pgPort = await local.freePort();
		// A throw-away cluster: no fsync, small footprint; the socket lives in the data folder.
		// SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for every client to disconnect).
		this.spawnProcess('postgres', path.join(pgBin, 'postgres'), [
			'-D', dataDir, '-p', String(this.pgPort), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1',
			'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
		], { ...asUser, stopSignal: 'SIGINT' });
		await this.waitForPostgres();
		await local.run(path.join(pgBin, 'createdb'), ['-h', '127.0.0.1', '-p', String(this.pgPort), '-U', DB_USER, DB_NAME]);
	}

	async waitForPostgres() {
		const deadline = Date.now() + 60000;
		for (;;) {
			try {
				await local.run(path.join(this.tools.pgBin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.pgPort), '-U', DB_USER]);
				return;
			} catch (error) {
				if (!this.isAlive('postgres')) throw new Error(`postgres exited:\n${this.log('postgres').slice(-2000)}`);
				if (Date.now() > deadline) throw error;
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		}
	}

	/** Runs one SQL statement on n8n's database (psql); resolves with its rows, tab-separated. */
	async sql(statement) {
		const { stdout } = await local.run(path.join(this.tools.pgBin, 'psql'), [
			'-h', '127.0.0.1', '-p', String(this.pgPort), '-U', DB_USER, '-d', DB_NAME, '-At', '-F', '\t', '-c', statement,
		]);
		return stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
	}

	async startRedis() {
		this.redisPort ??= await local.freePort();
		const redisDir = path.join(this.dir, 'redis');
		fs.mkdirSync(redisDir, { recursive: true });
		this.spawnProcess('redis', this.tools.redisServer, [
			'--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
			'--dir', redisDir, '--daemonize', 'no',
		]);
		await waitForPort(this.redisPort, { isAlive: () => this.isAlive('redis'), what: 'redis-server' });
	}

	/** Sends one Redis command over RESP (no client library needed); resolves with the raw reply. */
	redisCommand(...args) {
		return new Promise((resolve, reject) => {
			const socket = net.connect(this.redisPort, '127.0.0.1');
			let reply = '';
			socket.on('data', (chunk) => (reply += chunk));
			socket.once('error', (error) => (error.code === 'ECONNRESET' ? resolve(reply) : reject(error)));
			socket.once('close', () => resolve(reply));
			socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`).join('')}`);
			if (!/^shutdown$/i.test(args[0])) setTimeout(() => socket.end(), 300);
		});
	}

	/**
	 * Restarts Redis on its port. `keepData` (default): SHUTDOWN SAVE writes the queue to disk and
	 * the new server loads it, like a managed Redis restart with persistence. Otherwise SIGKILL and
	 * an empty server: queued jobs are gone. `downMs`: how long it stays down.
	 */
	async restartRedis({ keepData = true, downMs = 2000 } = {}) {
		const entry = this.processes.get('redis');
		if (!keepData) fs.rmSync(path.join(this.dir, 'redis', 'dump.rdb'), { force: true });
		if (entry) {
			if (keepData) await this.redisCommand('SHUTDOWN', 'SAVE');
			else process.kill(-entry.child.pid, 'SIGKILL');
			await entry.exited;
		}
		if (!keepData) fs.rmSync(path.join(this.dir, 'redis', 'dump.rdb'), { force: true });
		await new Promise((resolve) => setTimeout(resolve, downMs));
		await this.startRedis();
	}

	/** The env of one n8n process. */
	n8nEnv(name, extra = {}) {
		const userFolder = path.join(this.dir, name);
		if (!fs.existsSync(path.join(userFolder, '.n8n', 'nodes'))) {
			local.makePrivateN8nFolder(userFolder);
			fs.cpSync(this.o.nodesDir, path.join(userFolder, '.n8n', 'nodes'), { recursive: true });
		}
		this.baseEnv ??= local.n8nEnv({ userFolder, n8nBin: this.o.n8nBin, hermetic: this.o.hermetic });
		return {
			...this.baseEnv,
			N8N_USER_FOLDER: userFolder,
			...queueEnv({ pgPort: this.pgPort, redisPort: this.redisPort, encryptionKey: this.encryptionKey, webhookUrl: this.webhookUrl }),
			...this.o.env,
			...extra,
		};
	}

	/** One n8n CLI command (import:…) against the stack's database. */
	async n8nCommand(args) {
		return local.n8nCommand({ nodeBin: this.o.nodeBin, n8nBin: this.o.n8nBin, env: this.n8nEnv('cli') }, args);
	}

	/** `n8n <command>` as process `name`; resolves once `readyUrl` answers 200. */
	async startN8n(name, command, port, readyUrl, extraEnv = {}) {
		const env = this.n8nEnv(name, { N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await local.freePort()), ...extraEnv });
		this.spawnProcess(name, this.o.nodeBin, [this.o.n8nBin, command], { env });
		try {
			await local.waitForHttpOk(readyUrl, { timeoutMs: 240000, isAlive: () => this.isAlive(name) });
		} catch (error) {
			throw new Error(`n8n ${command} (${name}): ${error.message}\n${this.log(name).slice(-3000)}`);
		}
	}

	async startWorker(name) {
		const port = await local.freePort();
		const healthPort = await local.freePort();
		await this.startN8n(name, 'worker', port, `http://127.0.0.1:${healthPort}/healthz/readiness`, {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		});
	}

	/** Kills a worker (and its task runner) with `signal`, as an OOM kill or a lost machine would. */
	async killWorker(name, signal = 'SIGKILL') {
		const entry = this.processes.get(name);
		if (!entry) throw new Error(`${name} is not running`);
		process.kill(-entry.child.pid, signal);
		return entry.exited;
	}

	/** Servers, then main, then workers and the webhook processor; `importData()` runs after migrations. */
	async start({ importData } = {}) {
		const say = this.o.say;
		const timed = async (label, step) => {
			const started = Date.now();
			say(`${label} …`);
			const result = await step();
			say(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
			return result;
		};
		this.tools ??= await timed('checking for redis-server and PostgreSQL (apt-get install where missing)', () => provisionQueueTools({ echo: true }));
		await Promise.all([
			timed('starting a private PostgreSQL cluster', () => this.startPostgres()),
			timed('starting a private Redis', () => this.startRedis()),
		]);
		say(`PostgreSQL on 127.0.0.1:${this.pgPort} (database "${DB_NAME}", data in ${path.join(this.dir, 'pg')}), Redis on 127.0.0.1:${this.redisPort}`);
		this.mainPort = this.o.mainPort ?? (await local.freePort());
		this.webhookPort = this.o.webhookPort ?? (await local.freePort());
		this.mainUrl = `http://127.0.0.1:${this.mainPort}`;
		this.webhookUrl = `http://127.0.0.1:${this.webhookPort}/`;
		await timed(`n8n main on port ${this.mainPort} (migrates the database)`, () =>
			this.startN8n('main', 'start', this.mainPort, `${this.mainUrl}/healthz/readiness`),
		);
		await Promise.all([
			importData ? timed('importing credentials and workflows', () => importData(this)) : undefined,
			timed(`${this.o.workers} workers`, () => Promise.all(this.workerNames.map((name) => this.startWorker(name)))),
			timed(`webhook processor on port ${this.webhookPort}`, () =>
				this.startN8n('webhook', 'webhook', this.webhookPort, `${this.webhookUrl}healthz/readiness`),
			),
		]);
		return this;
	}

	/** Stops every process (n8n first, the servers last); SIGKILL after a grace period. */
	async stop() {
		this.stopping = true;
		const stopGroup = async (names, signal) => {
			const entries = names.map((name) => this.processes.get(name)).filter(Boolean);
			for (const entry of entries) {
				try {
					process.kill(-entry.child.pid, signal);
				} catch {
					// already gone
				}
			}
			const timer = setTimeout(() => {
				for (const entry of entries) {
					try {
						process.kill(-entry.child.pid, 'SIGKILL');
					} catch {
						// already gone
					}
				}
			}, STOP_GRACE_MS);
			await Promise.all(entries.map((entry) => entry.exited));
			clearTimeout(timer);
		};
		const n8nNames = [...this.processes.keys()].filter((name) => name !== 'postgres' && name !== 'redis');
		await stopGroup(n8nNames, 'SIGTERM');
		// postgres: SIGINT is its "fast" shutdown.
		await Promise.all([stopGroup(['redis'], 'SIGTERM'), stopGroup(['postgres'], 'SIGINT')]);
	}

	/** Deletes the working folder (database, logs). */
	remove() {
		removeNow(this.dir);
	}
}

module.exports = { QueueStack, queueEnv, provisionQueueTools, waitForPort };
