'use strict';
/**
 * Scripted faults: `fake.fault({ on: 'submit', status: 429, times: 2 })` makes the next two submits
 * answer 429 instead of doing their work. Faults are consumed in the order they were added.
 */
const http = require('http');

/** Request kinds a fault can target (the same names as `fake.requests(kind)`). */
const FAULT_KINDS = [
	'submit',
	'status',
	'status-stream',
	'result',
	'cancel',
	'upload-initiate',
	'upload-put',
	'upload-part',
	'upload-complete',
	'download',
	'jwks',
	'pricing',
	'pricing-estimate',
];

/**
 * fal's infra error bodies (`detail` + `error_type`, header `X-Fal-Error-Type`), per status
 * (docs model-apis/request-errors; fal-protocol.md §1).
 */
const INFRA_ERRORS = {
	429: { detail: 'Too many requests, please retry later', error_type: 'rate_limited' },
	500: { detail: 'Internal server error', error_type: 'internal_error' },
	502: { detail: 'Runner disconnected', error_type: 'runner_disconnected' },
	503: { detail: 'Runner scheduling failure', error_type: 'runner_scheduling_failure' },
	504: { detail: 'Request timed out', error_type: 'request_timeout' },
};

function defaultFaultBody(status) {
	return INFRA_ERRORS[status] ?? { detail: http.STATUS_CODES[status] ?? 'Error' };
}

function createFaultScript() {
	const pending = [];

	function add(fault) {
		if (!fault || !FAULT_KINDS.includes(fault.on)) {
			throw new Error(`fault.on must be one of: ${FAULT_KINDS.join(', ')}`);
		}
		if (!fault.drop && !fault.status) throw new Error('a fault needs a status or drop: true');
		pending.push({ ...fault, remaining: fault.times ?? 1 });
	}

	/** The next fault for this request kind, consumed by one use; undefined when none is scripted. */
	function take(kind) {
		const index = pending.findIndex((fault) => fault.on === kind);
		if (index === -1) return undefined;
		const fault = pending[index];
		fault.remaining -= 1;
		if (fault.remaining <= 0) pending.splice(index, 1);
		return fault;
	}

	return { add, take, pending };
}

module.exports = { FAULT_KINDS, INFRA_ERRORS, defaultFaultBody, createFaultScript };
