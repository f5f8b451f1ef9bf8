'use strict';
/** One quick run first, so module loading and the engine's first start do not count in a scenario. */
const { startFakeFal } = require('../../test/fake-fal');
const { API_KEY, generateParameters, promptItems, runNode } = require('./harness');

async function warmUp() {
	const fake = await startFakeFal({ apiKey: API_KEY, queueMs: 0, jobMs: 10 });
	try {
		await runNode(fake, { parameters: generateParameters(), items: promptItems(2, 'warm-up') });
	} finally {
		await fake.close();
	}
}

module.exports = { warmUp };
