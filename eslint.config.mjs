// n8n's community-node rules (the set n8n's package scanner applies) on the shipped sources.
import tseslint from 'typescript-eslint';
import { configs } from '@n8n/eslint-plugin-community-nodes';

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'bench/**', 'examples/**', 'docs/**', '.n8n-local/**'] },
	{
		...configs.recommended,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
		rules: {
			...configs.recommended.rules,
			// The one declared exception (README, "Why a runtime dependency"): @fal-ai/client is the transport.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// The transport is the only module that imports @fal-ai/client; everything else goes through it.
		files: ['nodes/SeedanceImageToVideo/transport/falClient.ts'],
		rules: { '@n8n/community-nodes/no-restricted-imports': 'off' },
	},
];
