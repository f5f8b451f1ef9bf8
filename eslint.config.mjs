// n8n's community-node rules (the set n8n's package scanner applies) on the shipped sources, with no exception,
// plus the general rule sets that `n8n-node lint` (@n8n/node-cli) adds to them: ESLint's and typescript-eslint's
// recommended. n8n-nodes-base's node, credential and package.json rules run in `npm run scan`, as in the scanner.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { configs } from '@n8n/eslint-plugin-community-nodes';

const SHIPPED = ['nodes/**/*.ts', 'credentials/**/*.ts'];

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'bench/**', 'examples/**', 'docs/**', '.n8n-local/**'] },
	{ ...js.configs.recommended, files: SHIPPED },
	...tseslint.configs.recommended.map((config) => ({ ...config, files: SHIPPED })),
	{
		...configs.recommended,
		files: SHIPPED,
		languageOptions: { parser: tseslint.parser },
	},
];
