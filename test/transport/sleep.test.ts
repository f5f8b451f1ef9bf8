import { sleep } from '../../nodes/shared/transport/sleep';

describe('sleep', () => {
	test('waits, then resolves', async () => {
		await expect(sleep(5)).resolves.toBeUndefined();
		await expect(sleep(5, new AbortController().signal)).resolves.toBeUndefined();
	});

	test('an abort ends a long wait at once (a Stop does not wait out a retry back-off)', async () => {
		const controller = new AbortController();
		const waiting = sleep(60_000, controller.signal);
		controller.abort(new Error('stopped'));
		await expect(waiting).rejects.toThrow('stopped');
	});

	test('an already aborted signal does not wait at all', async () => {
		await expect(sleep(60_000, AbortSignal.abort(new Error('already stopped')))).rejects.toThrow('already stopped');
	});
});
