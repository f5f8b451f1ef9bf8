/**
 * What a fresh clone builds: a copy of the working tree (the files git tracks, or would track: new and
 * not ignored), with the installed node_modules beside it, built with the package's own `npm run build`
 * in a temporary folder. Package tests read and pack that, so they need no dist/, never test a stale
 * one, and leave the repository's alone.
 */
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The build takes a few seconds of tsc, more on a loaded machine. */
export const FRESH_BUILD_TIMEOUT_MS = 180000;

export interface FreshBuild {
	/** The copy's root: `dist/` is in it. */
	root: string;
	remove(): void;
}

export function freshBuild(): FreshBuild {
	const root = mkdtempSync(path.join(tmpdir(), 'seedance-build-'));
	const remove = () => rmSync(root, { recursive: true, force: true });
	try {
		const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
		for (const file of listed.split('\0').filter((name) => name !== '')) {
			const from = path.join(ROOT, file);
			if (!existsSync(from)) continue; // deleted, not yet committed
			mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
			copyFileSync(from, path.join(root, file));
		}
		symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
	} catch (error) {
		remove();
		throw error;
	}
	return { root, remove };
}
