'use strict';
const fs = require('node:fs');

/** Removes the packed tarball and template folder (set SEEDANCE_E2E_KEEP=1 to inspect them). */
module.exports = async function globalTeardown() {
	const workDir = process.env.SEEDANCE_E2E_WORK_DIR;
	if (workDir && !process.env.SEEDANCE_E2E_KEEP) fs.rmSync(workDir, { recursive: true, force: true });
};
