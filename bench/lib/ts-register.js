'use strict';
/**
 * Lets the bench `require()` the TypeScript engine harness (test/harness/*.ts) without a build step
 * or an extra dependency: each .ts file is transpiled on load with the project's own `typescript`
 * (transpile only, like ts-jest's isolatedModules; type checking is `npm test`'s job).
 * The node under test is still the built one from dist/, what the package ships.
 */
const fs = require('node:fs');
const ts = require('typescript');

const COMPILER_OPTIONS = {
	module: ts.ModuleKind.CommonJS,
	target: ts.ScriptTarget.ES2022,
	esModuleInterop: true,
	resolveJsonModule: true,
	sourceMap: false,
	inlineSourceMap: true,
};

require.extensions['.ts'] = function loadTypeScript(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName: filename });
	module._compile(outputText, filename);
};
