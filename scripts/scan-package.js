#!/usr/bin/env node
/**
 * n8n's package scanner (`npx @n8n/scan-community-package <name>`), its lint step, offline.
 *
 * The scanner checks npm provenance, downloads the source commit the provenance names and the
 * published tarball, then lints both with ESLint (its own flat config, `allowInlineConfig: false`,
 * `overrideConfigFile: true`, so no eslint.config of ours and no `eslint-disable` comment applies):
 *   - the source:  `package.json` and `{nodes,credentials}/**\/*.{js,ts,json}`
 *   - the tarball: `**\/*.js` and `package.json`
 * Provenance and the downloads need a published version; everything after them runs here, with the
 * scanner's own `analyzePackage` (same config, same plugin versions: the scanner is a pinned
 * devDependency). The tarball is what `npm pack` produces from the current build, so run
 * `npm run build` first. The source leg lints this working tree (in CI: the commit being published).
 *
 * Usage: node scripts/scan-package.js [package folder, default: this repository]
 * Exit 1 on any finding, 2 if the scan could not run.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
const SCANNER = '@n8n/scan-community-package';

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
	}
	return result.stdout;
}

/** `npm pack` of this package into `dir`, unpacked into `dir/package`; returns that folder and the file list. */
function packAndUnpack(dir) {
	const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT));
	const files = packed.files.map((file) => file.path);
	// n8n loads exactly these paths; a tarball without them was packed before a build.
	const { n8n = {} } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const missing = [...(n8n.nodes ?? []), ...(n8n.credentials ?? [])].filter((file) => !files.includes(file));
	if (missing.length > 0) throw new Error(`the packed package lacks ${missing.join(', ')}: run \`npm run build\` first`);
	const packageDir = path.join(dir, 'package');
	fs.mkdirSync(packageDir);
	run('tar', ['-xzf', path.join(dir, packed.filename), '-C', packageDir, '--strip-components=1'], dir);
	return { packageDir, tarball: packed.filename, files };
}

async function loadScanner() {
	let scannerPackageJson;
	try {
		scannerPackageJson = require.resolve(`${SCANNER}/package.json`);
	} catch {
		throw new Error(`${SCANNER} is not installed: run \`npm install\` (it is a devDependency)`);
	}
	const scannerRequire = createRequire(scannerPackageJson);
	// scanner.mjs makes a temp folder when it loads (for its download step); remove it on exit.
	scannerRequire('tmp').setGracefulCleanup();
	const version = scannerRequire('./package.json').version;
	const scanner = await import(pathToFileURL(scannerRequire.resolve('./scanner/scanner.mjs')).href);
	return { scanner, version };
}

function report(label, result) {
	if (result.passed) {
		console.log(`✅ ${label}: no findings${result.message ? ` (${result.message})` : ''}`);
		return true;
	}
	console.log(`❌ ${label}: ${result.message}`);
	if (result.details) console.log(result.details.trimEnd().replace(/^/gm, '   '));
	return false;
}

async function main() {
	const { scanner, version } = await loadScanner();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-scan-'));
	try {
		const { packageDir, tarball, files } = packAndUnpack(dir);
		console.log(`${SCANNER}@${version} lint step, offline (no provenance/download), on ${tarball} (${files.length} files)`);
		// Same two legs, same patterns, same order as analyzePackageByName.
		const sourceResult = await scanner.analyzePackage(ROOT, scanner.SOURCE_FILE_PATTERNS);
		const distResult = await scanner.analyzePackage(packageDir, ['**/*.js', 'package.json']);
		const sourceOk = report(`source (${scanner.SOURCE_FILE_PATTERNS.join(', ')})`, sourceResult);
		const distOk = report(`packed tarball (**/*.js, package.json)`, distResult);
		if (sourceResult.error || distResult.error) return 2;
		return sourceOk && distOk ? 0 : 1;
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().then(
	(code) => process.exit(code),
	(error) => {
		console.error(`scan-package: ${error.message}`);
		process.exit(2);
	},
);
