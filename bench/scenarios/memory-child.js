'use strict';
/**
 * Child process of the memory scenario: one item whose video has the given size, downloaded by the
 * node into filesystem binary data, with nothing else in the process (the fake fal runs in the
 * parent). Prints one JSON line: resident memory before, the peak during the download, and the file.
 *
 *   node --expose-gc bench/scenarios/memory-child.js <fake url> <video bytes>
 */
const fs = require('node:fs');

const { generateParameters, removeEngineFolder, runNode } = require('../lib/harness');

const SAMPLE_EVERY_MS = 5;
const SETTLE_MS = 200;

/** Linux: VmHWM (peak RSS) of this process, in bytes; resettable through clear_refs. */
function peakRssFromKernel() {
	try {
		const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

function resetKernelPeak() {
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

const settle = async () => {
	global.gc?.();
	await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
	global.gc?.();
};

async function main() {
	const [url, bytesText] = process.argv.slice(2);
	const videoBytes = Number(bytesText);
	const fake = { url };
	// Warm-up with the small sample video: code loaded, engine started, sockets pooled.
	await runNode(fake, { parameters: generateParameters(), items: [{ json: { prompt: 'warm-up' } }] });
	await settle();

	const baseline = process.memoryUsage();
	const kernelPeakReset = resetKernelPeak();
	let peakRss = baseline.rss;
	let peakArrayBuffers = baseline.arrayBuffers;
	const sampler = setInterval(() => {
		const now = process.memoryUsage();
		peakRss = Math.max(peakRss, now.rss);
		peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
	}, SAMPLE_EVERY_MS);

	const started = Date.now();
	const result = await runNode(fake, { parameters: generateParameters(), items: [{ json: { prompt: `video ${videoBytes}` } }] });
	const durationMs = Date.now() - started;
	clearInterval(sampler);
	const kernelPeak = kernelPeakReset ? peakRssFromKernel() : undefined;
	const file = result.binaryFilePath(result.items[0]);
	const fileBytes = file ? fs.statSync(file).size : undefined;
	await removeEngineFolder();

	process.stdout.write(
		`${JSON.stringify({
			videoBytes,
			fileBytes,
			storedOnDisk: Boolean(file),
			durationMs,
			baselineRss: baseline.rss,
			peakRssSampled: peakRss,
			peakRssKernel: kernelPeak,
			baselineArrayBuffers: baseline.arrayBuffers,
			peakArrayBuffers,
		})}\n`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
