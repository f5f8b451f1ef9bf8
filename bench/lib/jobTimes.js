'use strict';
/**
 * Job times spread over a window so that completions fall at every phase of the node's poll cycle
 * (with one fixed T, every job would end at the same point between two polls and the polling lag
 * would be an artefact of T). Golden-ratio steps: evenly spread and the same on every run.
 */
const GOLDEN = 0.6180339887;

/** The item number at the end of a bench prompt ("item 12" → 12). */
function itemNumber(prompt) {
	return Number(/(\d+)$/.exec(String(prompt))?.[1] ?? 0);
}

/** A fake-fal `behaviour` giving item n the job time base + frac(n·φ)·spread. */
function spreadJobTimes(baseMs, spreadMs) {
	return (input) => ({ jobMs: baseMs + Math.round(((itemNumber(input.prompt) * GOLDEN) % 1) * spreadMs) });
}

module.exports = { spreadJobTimes };
