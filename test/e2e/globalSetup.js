'use strict';
/**
 * Once per `npm run e2e`: provisions n8n and its Node (cached; the line SEEDANCE_N8N_LINE names,
 * default the first of scripts/n8n-versions.json), packs the built package, and prepares a
 * template n8n user folder with the package installed and the database migrated. Each test suite
 * copies the template (a fresh n8n in a second instead of ten). Paths reach the tests through env.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const local = require('../../scripts/lib/n8n-local');
const { removeOnExit } = require('../../scripts/lib/owned-processes');

module.exports = async function globalSetup() {
	const started = Date.now();
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-e2e-'));
	// Deleted by globalTeardown, or by the watchdog if the run is killed (a bench piped into `head`).
	if (!process.env.SEEDANCE_E2E_KEEP) removeOnExit(workDir);
	const { nodeBin, n8nBin, version } = await local.provision({ echo: true });
	const tarball = await local.packPackage(workDir);
	const templateFolder = path.join(workDir, 'template');
	await local.installPackage(tarball, templateFolder);
	const env = local.n8nEnv({ userFolder: templateFolder, n8nBin, hermetic: true });
	const emptyList = local.writeTempJson('empty', []);
	await local.n8nCommand({ nodeBin, n8nBin, env }, ['import:workflow', '--input', emptyList]);
	Object.assign(process.env, {
		SEEDANCE_E2E_WORK_DIR: workDir,
		SEEDANCE_E2E_TEMPLATE: templateFolder,
		SEEDANCE_E2E_NODE_BIN: nodeBin,
		SEEDANCE_E2E_N8N_BIN: n8nBin,
		SEEDANCE_E2E_N8N_VERSION: version,
	});
	process.stderr.write(`\n[e2e] n8n ${version} ready to copy in ${((Date.now() - started) / 1000).toFixed(1)} s (${workDir})\n`);
};
