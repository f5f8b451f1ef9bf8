'use strict';
/** The bench's table: printed to stdout, and written as bench/results.json and bench/results.md. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function machine() {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model ?? 'unknown',
		memoryGb: Math.round(os.totalmem() / 2 ** 30),
		node: process.version,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
	};
}

const verdict = (row) => (row.ok === undefined ? '' : row.ok ? 'met' : 'MISSED');

function toText(sections) {
	const lines = [];
	for (const section of sections) {
		lines.push('', section.title);
		if (section.skipped) {
			lines.push(`  skipped: ${section.skipped}`);
			continue;
		}
		if (section.error) {
			lines.push(`  FAILED: ${section.error}`);
			continue;
		}
		const width = Math.max(...section.rows.map((row) => row.metric.length));
		for (const row of section.rows) {
			const tail = row.target === 'reference' ? '' : `   [target ${row.target}: ${verdict(row) || 'n/a'}]`;
			lines.push(`  ${row.metric.padEnd(width)}  ${row.value}${tail}`);
		}
	}
	return lines.join('\n');
}

function toMarkdown(sections, meta) {
	const lines = [
		'# Benchmark results',
		'',
		`Written by \`npm run bench\` on ${meta.finishedAt} in ${meta.durationSeconds} s.`,
		`Machine: ${meta.machine.cpus} × ${meta.machine.cpuModel}, ${meta.machine.memoryGb} GB, Node ${meta.machine.node}, ${meta.machine.os}.`,
		`Settings: ${meta.configText}.`,
		'',
		'| Scenario | Measure | Result | Target | |',
		'|---|---|---|---|---|',
	];
	for (const section of sections) {
		if (section.skipped || section.error) {
			lines.push(`| ${section.title} | | ${section.skipped ? `skipped: ${section.skipped}` : `failed: ${section.error}`} | | |`);
			continue;
		}
		for (const row of section.rows) {
			const target = row.target === 'reference' ? '' : row.target;
			lines.push(`| ${section.title} | ${row.metric} | ${row.value} | ${target} | ${verdict(row)} |`);
		}
	}
	return `${lines.join('\n')}\n`;
}

function writeResults(dir, sections, meta) {
	const json = {
		...meta,
		scenarios: Object.fromEntries(
			sections.map((section) => [section.id, section.skipped ? { skipped: section.skipped } : section.error ? { error: section.error } : { rows: section.rows, data: section.data }]),
		),
	};
	fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
	fs.writeFileSync(path.join(dir, 'results.md'), toMarkdown(sections, meta));
}

module.exports = { machine, toText, toMarkdown, writeResults };
