// n8n's community-node rules (the set n8n's package scanner applies) on the shipped sources, with no exception.
import tseslint from 'typescript-eslint';
import { configs } from '@n8n/eslint-plugin-community-nodes';

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'bench/**', 'examples/**', 'docs/**', '.n8n-local/**'] },
	{
		...configs.recommended,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
	},
];
