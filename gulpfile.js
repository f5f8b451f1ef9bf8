const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// The old n8n starter copied icons from nodes/ and credentials/ only; credentials reference
// ../icons/*.svg, so the top-level icons/ folder must reach dist/ too.
const ICON_GLOBS = ['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'icons/**/*.{png,svg}'];

function copyIcons(glob) {
	const base = glob.split('/')[0];
	return () => src(glob, { encoding: false }).pipe(dest(path.resolve('dist', base)));
}

task('build:icons', parallel(...ICON_GLOBS.map(copyIcons)));
