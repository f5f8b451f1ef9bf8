'use strict';
/**
 * The built node (dist/, what the package ships) run inside n8n-core's real WorkflowExecute through
 * the engine harness of the tests (test/harness, TypeScript, transpiled on load), against a fake fal.
 */
const fs = require('node:fs');
const path = require('node:path');

require('./ts-register');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST_NODE = path.join(ROOT, 'dist', 'nodes', 'SeedanceImageToVideo', 'SeedanceImageToVideo.node.js');

const { runWorkflow, initEngine } = require(path.join(ROOT, 'test', 'harness', 'runWorkflow.ts'));

/** The key every bench fake fal asks for. */
const API_KEY = 'bench-key-0123456789abcdef';
const IMAGE_URL = 'https://images.example.com/cat.jpg';

function loadNodeType() {
	if (!fs.existsSync(DIST_NODE)) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
	const { SeedanceImageToVideo } = require(DIST_NODE);
	return new SeedanceImageToVideo();
}

/** The node's parameters for "Generate Video", waiting for completion; `overrides` wins. */
function generateParameters(overrides = {}) {
	return {
		operation: 'generate',
		mode: 'waitForCompletion',
		tier: 'fast',
		prompt: '={{ $json.prompt }}',
		imageSource: 'url',
		imageUrl: IMAGE_URL,
		...overrides,
	};
}

/** `count` items, each with its own prompt (the fake's `behaviour` can read it). */
function promptItems(count, prefix = 'item') {
	return Array.from({ length: count }, (_, index) => ({ json: { prompt: `${prefix} ${index}` } }));
}

/** Runs the node once in the engine; throws when the run did not succeed. */
async function runNode(fake, { parameters, items }) {
	const result = await runWorkflow({
		nodeType: loadNodeType(),
		parameters,
		items,
		credentials: { falApi: { apiKey: API_KEY, apiHost: fake.url } },
	});
	if (result.status !== 'success') {
		throw new Error(`the node's run ended ${result.status}: ${result.error?.message ?? 'no error message'}`);
	}
	return result;
}

/** Removes the harness's temporary n8n folder (jest does it in the tests; here nobody else will). */
async function removeEngineFolder() {
	const { n8nFolder } = await initEngine();
	fs.rmSync(path.dirname(n8nFolder), { recursive: true, force: true });
}

module.exports = { ROOT, API_KEY, IMAGE_URL, generateParameters, promptItems, runNode, initEngine, removeEngineFolder, loadNodeType };
