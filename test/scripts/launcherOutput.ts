import type { ChildProcess } from 'node:child_process';

/** Resolves with a launcher's output so far once it matches `pattern`; rejects if it exits first. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
	return new Promise((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs / 1000} s:\n${output.slice(-3000)}`)), timeoutMs);
		const onData = (chunk: Buffer): void => {
			output += chunk.toString();
			if (pattern.test(output)) {
				clearTimeout(timer);
				child.stdout?.off('data', onData);
				resolve(output);
			}
		};
		child.stdout?.on('data', onData);
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			reject(new Error(`launcher exited (${signal ?? code}):\n${output.slice(-3000)}`));
		});
	});
}
