'use strict';
/**
 * Everything needed to run this package inside a real n8n, shared by `npm start` (scripts/start.js)
 * and the end-to-end tests (test/e2e/n8nInstance.ts). Plain CommonJS so it runs on the project's
 * Node 20; n8n itself runs on the Node 24 that scripts/provision-n8n.sh installs.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');

const { spawnOwned, removeOnExit, removeNow } = require('./owned-processes');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;

/** The node and credential types as a workflow names them. */
const NODE_TYPE = `${PACKAGE_NAME}.seedanceImageToVideo`;
const CREDENTIAL_TYPE = 'falApi';

/** The owner n8n creates from environment variables (no setup screen); a local demo account. */
const DEMO_OWNER = Object.freeze({
	email: 'demo@example.com',
	password: 'Seedance-demo-1',
	firstName: 'Seedance',
	lastName: 'Demo',
});

/**
 * Runs a command; resolves with its output, rejects (with the output in the message) on a non-zero
 * exit. `echo` streams the command's stderr to ours while it runs (progress of long steps).
 * The command is an owned process (scripts/lib/owned-processes.js): it ends with its launcher.
 */
function run(command, args, { cwd = ROOT, env = process.env, echo = false, input } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawnOwned(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
			if (echo) process.stderr.write(chunk);
		});
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (code === 0) return resolve({ stdout, stderr });
			const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
			const error = new Error(`${path.basename(command)} ${args.join(' ')} failed (${signal ?? code}):\n${output}`);
			reject(Object.assign(error, { stdout, stderr }));
		});
		child.stdin.end(input);
	});
}

/**
 * The n8n lines the package is tested on (scripts/n8n-versions.json: line → { n8n, node }), the
 * default first. SEEDANCE_N8N_LINE picks one for `npm start` and the e2e tests.
 */
const N8N_LINES = Object.fromEntries(
	Object.entries(require(path.join(ROOT, 'scripts', 'n8n-versions.json'))).filter(([line]) => line !== '//'),
);

/** Installs (once, cached) n8n of `line` and its Node; returns their paths. Progress goes to stderr. */
async function provision({ echo = true, line = process.env.SEEDANCE_N8N_LINE } = {}) {
	const env = line ? { ...process.env, SEEDANCE_N8N_LINE: line } : process.env;
	const { stdout } = await run('bash', [path.join(ROOT, 'scripts', 'provision-n8n.sh')], { echo, env });
	const [nodeBin, n8nBin] = stdout.trim().split('\n').slice(-2);
	if (!fs.existsSync(nodeBin) || !fs.existsSync(n8nBin)) {
		throw new Error(`provision-n8n.sh printed paths that do not exist: ${nodeBin}, ${n8nBin}`);
	}
	return { nodeBin, n8nBin, version: n8nVersionOf(n8nBin) };
}

/** The version of the n8n whose entry point is `n8nBin` (…/node_modules/n8n/bin/n8n). */
function n8nVersionOf(n8nBin) {
	return JSON.parse(fs.readFileSync(path.join(path.dirname(n8nBin), '..', 'package.json'), 'utf8')).version;
}

/** n8n's major version: 1 for the 1.x LTS line, 2 for 2.x. */
function n8nMajorOf(n8nBin) {
	return Number(n8nVersionOf(n8nBin).split('.')[0]);
}

/** `npm pack`s the built package (dist must exist) into destDir; returns the tarball's path. */
async function packPackage(destDir) {
	if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	fs.mkdirSync(destDir, { recursive: true });
	const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destDir]);
	const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return path.join(destDir, filename);
}

/**
 * Installs a package tarball the way n8n 2.41 installs a community package
 * (n8n dist/modules/community-packages/community-packages.service.js `downloadPackage`): unpack it
 * into `<user folder>/.n8n/nodes/node_modules/<name>`, drop dev/peer/optional dependencies from its
 * package.json, `npm install` its runtime dependencies inside it (scripts off, shallow), and list it
 * in `<user folder>/.n8n/nodes/package.json`. n8n loads every package found in that node_modules.
 * An earlier copy is replaced, so each run gets the freshly built code.
 */
async function installPackage(tarball, userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	makePrivateN8nFolder(userFolder);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);

	const manifestPath = path.join(packageDir, 'package.json');
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		fs.readFileSync(manifestPath, 'utf8'),
	);
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	await run(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow',
			'--ignore-scripts=true', '--package-lock=false', '--prefer-offline', '--loglevel=error'],
		{ cwd: packageDir },
	);

	const listPath = path.join(nodesDir, 'package.json');
	const list = fs.existsSync(listPath)
		? JSON.parse(fs.readFileSync(listPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	list.dependencies = { ...list.dependencies, [PACKAGE_NAME]: manifest.version };
	fs.writeFileSync(listPath, JSON.stringify(list, null, 2));
	return packageDir;
}

/** A bcrypt hash of the demo owner's password, made with the bcryptjs that n8n itself ships. */
function hashPassword(n8nBin, password) {
	const bcrypt = createRequire(n8nBin)('bcryptjs');
	return bcrypt.hashSync(password, 10);
}

/**
 * The environment n8n runs with: its own user folder, nothing phoning home, no owner-setup screen.
 * n8n 2.41 has no "user management disabled" switch any more; it creates (and keeps in sync) an
 * owner from N8N_INSTANCE_OWNER_* when N8N_INSTANCE_OWNER_MANAGED_BY_ENV=true
 * (dist/instance-settings-loader/loaders/owner.instance-settings-loader.js), password as bcrypt hash.
 * n8n 1.x knows neither those nor the module list (it refuses N8N_DISABLED_MODULES=mcp-registry:
 * "Unknown module"); its owner is set up through the REST API (`setUpOwner`), and its binary data
 * defaults to memory, so it is told to use the filesystem as 2.x does.
 */
function n8nEnv({ userFolder, n8nBin, port, hermetic = false, extra = {} }) {
	const env = { ...process.env };
	// Tests must not pick up a developer's or CI's own n8n settings.
	// Jest's NODE_ENV=test would also silence n8n's logger, which is where `execute` prints.
	if (hermetic) for (const key of Object.keys(env)) if (/^(N8N_|DB_|EXECUTIONS_|NODE_ENV$|JEST_)/.test(key)) delete env[key];
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port ?? 5678),
		N8N_HOST: 'localhost',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// n8n writes its settings file (the encryption key) 0600 and narrows an older, wider one.
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_RUNNERS_MODE: 'internal',
		// `n8n execute` prints the execution through the logger at level info.
		N8N_LOG_LEVEL: 'info',
		...(n8nMajorOf(n8nBin) >= 2
			? {
					// Fetches an MCP server list from api.n8n.io every start; offline that only logs stack traces.
					N8N_DISABLED_MODULES: 'mcp-registry',
					N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
					N8N_INSTANCE_OWNER_EMAIL: DEMO_OWNER.email,
					N8N_INSTANCE_OWNER_FIRST_NAME: DEMO_OWNER.firstName,
					N8N_INSTANCE_OWNER_LAST_NAME: DEMO_OWNER.lastName,
					N8N_INSTANCE_OWNER_PASSWORD_HASH: hashPassword(n8nBin, DEMO_OWNER.password),
				}
			: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' }),
		...extra,
	};
}

/**
 * n8n 1.x: claims the instance for the demo owner (POST /rest/owner/setup, what its setup screen
 * sends) unless already done. n8n 2.x sets the owner up from the environment (`n8nEnv`).
 */
async function setUpOwner(baseUrl, n8nBin) {
	if (n8nMajorOf(n8nBin) >= 2) return;
	await waitForN8nReady(baseUrl, n8nBin);
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: DEMO_OWNER.email, firstName: DEMO_OWNER.firstName, lastName: DEMO_OWNER.lastName, password: DEMO_OWNER.password }),
	});
	const text = await response.text();
	if (!response.ok && !/already setup/i.test(text)) throw new Error(`owner setup failed: ${response.status} ${text.slice(0, 300)}`);
}

/**
 * Runs one n8n CLI command (import:…, execute, …) to completion; resolves with its stdout. Each
 * command gets its own task-runner broker port (n8n's default 5679 would collide with a running
 * `npm start` or a parallel command).
 */
async function n8nCommand({ nodeBin, n8nBin, env }, args) {
	const commandEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
	const { stdout } = await run(nodeBin, [n8nBin, ...args], { env: commandEnv });
	return stdout;
}

/**
 * Runs `n8n execute --id <id> --rawOutput` and returns the execution it prints. n8n 2.41 logs the
 * execution as pretty JSON at level info, between other log lines; on a failed run it logs it after
 * "Execution error:" and exits 1 (dist/commands/execute.js), so a failure is returned, not thrown.
 */
async function executeWorkflow(ctx, workflowId) {
	let output;
	try {
		output = await n8nCommand(ctx, ['execute', '--id', workflowId, '--rawOutput']);
	} catch (error) {
		if (error.stdout === undefined) throw error;
		output = error.stdout;
	}
	const execution = parseExecutionJson(output);
	if (!execution) throw new Error(`n8n execute printed no execution JSON:\n${output.slice(-3000)}`);
	return { execution, output };
}

/** The first top-level pretty-printed JSON object ("{" … "}" lines) in n8n's log output. */
function parseExecutionJson(output) {
	const lines = output.split('\n');
	const start = lines.indexOf('{');
	if (start < 0) return undefined;
	const end = lines.indexOf('}', start);
	if (end < 0) return undefined;
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

/** The credential the demo and the tests use: the fake fal's key and address. */
function falCredential({ id, name, apiKey, apiHost }) {
	return { id, name, type: CREDENTIAL_TYPE, data: { apiKey, apiHost } };
}

/**
 * Writes JSON (credentials: API keys) to a private temporary file for `n8n import:*`; returns its
 * path. Its folder is deleted when this process ends, however it ends (removeTempJson: sooner).
 */
function writeTempJson(prefix, value) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
	removeOnExit(dir);
	const file = path.join(dir, `${prefix}.json`);
	fs.writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
	return file;
}

/** Deletes a file from writeTempJson and its folder. */
function removeTempJson(file) {
	removeNow(path.dirname(file));
}

/** `n8n import:<kind> --input <temp file>`, the file deleted right after. */
async function n8nImport(runCommand, kind, value) {
	const file = writeTempJson(kind, value);
	try {
		return await runCommand([`import:${kind}`, '--input', file]);
	} finally {
		removeTempJson(file);
	}
}

/** Creates an n8n user folder's `.n8n` (settings with the encryption key, database) private to us. */
function makePrivateN8nFolder(userFolder) {
	const dir = path.join(userFolder, '.n8n');
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	fs.chmodSync(dir, 0o700);
	return dir;
}

/** Polls `url` until it answers 200 or `timeoutMs` passes. */
async function waitForHttpOk(url, { timeoutMs = 120000, isAlive = () => true } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const response = await fetch(url);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		if (!isAlive()) throw new Error(`the process serving ${url} exited`);
		if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/**
 * Waits until `n8n start` at baseUrl serves its REST API and webhooks. n8n 2.x answers
 * /healthz/readiness only then; n8n 1.x answers it as soon as the database is up, some seconds
 * before it registers its routes (404 "Cannot POST /rest/…" in between), so there /rest/settings
 * (no login needed) is asked too.
 */
async function waitForN8nReady(baseUrl, n8nBin, { timeoutMs = 120000, isAlive } = {}) {
	await waitForHttpOk(`${baseUrl}/healthz/readiness`, { timeoutMs, isAlive });
	if (n8nMajorOf(n8nBin) < 2) await waitForHttpOk(`${baseUrl}/rest/settings`, { timeoutMs, isAlive });
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
function freePort() {
	const net = require('node:net');
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

module.exports = {
	ROOT,
	PACKAGE_NAME,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	DEMO_OWNER,
	N8N_LINES,
	run,
	provision,
	n8nVersionOf,
	n8nMajorOf,
	setUpOwner,
	packPackage,
	installPackage,
	hashPassword,
	n8nEnv,
	n8nCommand,
	executeWorkflow,
	parseExecutionJson,
	falCredential,
	writeTempJson,
	removeTempJson,
	n8nImport,
	makePrivateN8nFolder,
	waitForHttpOk,
	waitForN8nReady,
	freePort,
};
