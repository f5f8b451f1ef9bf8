'use strict';
/**
 * The e2e suite's setup (n8n provisioned, package packed into a template user folder, see
 * test/e2e/globalSetup.js), plus redis-server and PostgreSQL, installed with apt-get where missing.
 */
const e2eSetup = require('../e2e/globalSetup');
const { provisionQueueTools } = require('../../scripts/lib/queue-stack');

module.exports = async function globalSetup() {
	const { redisServer, pgBin } = await provisionQueueTools({ echo: true });
	Object.assign(process.env, { SEEDANCE_QUEUE_REDIS_SERVER: redisServer, SEEDANCE_QUEUE_PG_BIN: pgBin });
	await e2eSetup();
};
