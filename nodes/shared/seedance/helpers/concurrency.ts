/**
 * Runs `worker` over `items` with at most `limit` calls in flight and returns the results in input
 * order. n8n's own nodes run items one after another; a video takes minutes, so ours overlap them.
 */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const runLane = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await worker(items[index], index);
		}
	};
	const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
	await Promise.all(Array.from({ length: lanes }, runLane));
	return results;
}
