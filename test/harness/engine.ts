/**
 * The n8n-core services a workflow run needs, wired once per jest test file through the real
 * dependency-injection container (`@n8n/di`), the way n8n's own commands do it at start-up.
 *
 * Jest gives every test file its own module registry, hence its own `Container`: each test file
 * gets its own engine and its own temporary storage directory, removed after the file's tests.
 */
import { GlobalConfig, InstanceSettingsConfig, SsrfProtectionConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What `initEngine` set up: where n8n's user folder and the binary data live for this file. */
export interface Engine {
	/** Stands in for `~/.n8n`: InstanceSettings writes its `config` file here, not in your home. */
	n8nFolder: string;
	/** `N8N_BINARY_DATA_STORAGE_PATH`: the filesystem binary-data mode writes files below it. */
	binaryDataDir: string;
	binaryDataService: BinaryDataService;
}

/**
 * n8n's Logger prints node errors and stacks through winston; quiet unless N8N_LOG_LEVEL asks
 * (e.g. `N8N_LOG_LEVEL=debug npx jest test/harness` to watch the engine work).
 */
const DEFAULT_LOG_LEVEL = 'silent';

/** Fixed so runs are reproducible; only used to derive signing secrets for this temp instance. */
const TEST_ENCRYPTION_KEY = 'seedance-harness-encryption-key';

let engine: Promise<Engine> | undefined;

/** Sets up the engine on first use and returns the same one afterwards (per test file). */
export async function initEngine(): Promise<Engine> {
	engine ??= setUpEngine();
	return await engine;
}

async function setUpEngine(): Promise<Engine> {
	const root = mkdtempSync(path.join(tmpdir(), 'seedance-harness-'));
	const n8nFolder = path.join(root, '.n8n');
	const binaryDataDir = path.join(n8nFolder, 'storage');
	removeAfterAllTests(root);

	// Config objects must be adjusted before the services that read them are first resolved
	// (InstanceSettings reads n8nFolder in its constructor; Logger reads the level in its own).
	// n8nFolder/userHome are readonly in the type (n8n derives them from N8N_USER_FOLDER at start-up);
	// setting them on the config object keeps process.env untouched.
	Object.assign(Container.get(InstanceSettingsConfig), {
		n8nFolder,
		userHome: root,
		encryptionKey: TEST_ENCRYPTION_KEY,
		enforceSettingsFilePermissions: false,
	});

	if (!process.env.N8N_LOG_LEVEL) Container.get(GlobalConfig).logging.level = DEFAULT_LOG_LEVEL;

	// n8n's SSRF protection is off unless N8N_SSRF_PROTECTION_ENABLED=true; the fake servers of
	// our tests listen on 127.0.0.1, which the default blocked ranges include, so keep it off
	// even if the environment turns it on.
	Container.get(SsrfProtectionConfig).enabled = false;

	// `filesystem` is n8n's default mode for a single main instance; BinaryDataService.init()
	// maps it to the current `filesystem-v2` manager (files on disk, ids `filesystem-v2:…`).
	const binaryDataConfig = Container.get(BinaryDataConfig);
	binaryDataConfig.mode = 'filesystem';
	binaryDataConfig.localStoragePath = binaryDataDir;

	const binaryDataService = Container.get(BinaryDataService);
	await binaryDataService.init();

	return { n8nFolder, binaryDataDir, binaryDataService };
}

/**
 * Registers the clean-up while jest is still collecting the file's tests: hooks cannot be added
 * from inside a running test, so this runs when the harness module is imported.
 */
function removeAfterAllTests(dir: string): void {
	cleanupDirs.push(dir);
}

const cleanupDirs: string[] = [];

if (typeof afterAll === 'function') {
	afterAll(() => {
		for (const dir of cleanupDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
	});
}
