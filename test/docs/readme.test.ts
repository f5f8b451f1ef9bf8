import { readFileSync } from 'fs';

// The generated blocks are rendered from the TypeScript sources, so a fresh clone's `npx jest` needs no dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderReadme, useSources, README } = require('../../scripts/readme-fields.js');

useSources();

test('the README field and tier tables match the node (run `npm run docs` after changing fields)', () => {
	const readme = readFileSync(README, 'utf8');
	expect(renderReadme(readme)).toBe(readme);
});

test('the README gives the two commands', () => {
	const readme = readFileSync(README, 'utf8');
	expect(readme).toContain('npm install && npm start');
	expect(readme).toContain('npm test');
});
