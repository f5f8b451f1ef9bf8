import { checkPromptTags, checkReferences, inputVideoSeconds, type ReferenceFacts } from '../../nodes/shared/schema';

const MB = 1024 * 1024;
const image = (n: number, extra: Partial<ReferenceFacts> = {}): ReferenceFacts => ({ kind: 'image', source: `URL "https://x.test/${n}.png"`, ...extra });
const video = (n: number, extra: Partial<ReferenceFacts> = {}): ReferenceFacts => ({ kind: 'video', source: `binary property "clip${n}"`, bytes: MB, seconds: 3, ...extra });
const audio = (n: number, extra: Partial<ReferenceFacts> = {}): ReferenceFacts => ({ kind: 'audio', source: `binary property "jingle${n}"`, bytes: MB, seconds: 3, ...extra });
const times = <T>(count: number, make: (n: number) => T) => Array.from({ length: count }, (_, index) => make(index + 1));

describe('reference counts', () => {
	test('nine images, three videos and three audio are the most fal takes of each', () => {
		expect(checkReferences(times(9, image), '')).toBeUndefined();
		expect(checkReferences(times(10, image), '')).toMatchObject({ field: 'Reference Images', problem: '10 given, fal takes at most 9' });
		expect(checkReferences([image(1), ...times(4, video)], '')).toMatchObject({ field: 'Reference Videos', problem: '4 given, fal takes at most 3' });
		expect(checkReferences([image(1), ...times(4, audio)], '')).toMatchObject({ field: 'Reference Audio', problem: '4 given, fal takes at most 3' });
	});

	test('twelve files in all: nine images and three videos pass, plus one audio does not', () => {
		const twelve = [...times(9, image), ...times(3, (n) => video(n, { seconds: 1 }))];
		expect(checkReferences(twelve, '')).toBeUndefined();
		expect(checkReferences([...twelve, audio(1)], '')).toMatchObject({
			field: 'References',
			problem: '13 files given (9 images, 3 videos, 1 audio), fal takes at most 12 in all',
		});
	});

	test('audio needs an image or a video beside it', () => {
		expect(checkReferences([audio(1)], '')).toMatchObject({ field: 'Reference Audio', problem: expect.stringContaining('at least one reference image or video') });
		expect(checkReferences([audio(1), video(1)], '')).toBeUndefined();
		expect(checkReferences([image(1), audio(1)], '')).toBeUndefined();
	});
});

describe('formats and sizes, each naming the reference', () => {
	test('a refused format names the reference by its prompt tag and source', () => {
		const problem = checkReferences([image(1), video(1, { format: { typeName: 'WebM/MKV', accepted: false } })], '');
		expect(problem).toEqual({
			field: 'Reference Videos',
			problem: '@Video1 (binary property "clip1") is WebM/MKV, not MP4, MOV',
			hint: expect.stringContaining('MP4, MOV'),
		});
	});

	test('an image over 30 MB and an audio file over 15 MB are refused', () => {
		expect(checkReferences([image(1), image(2, { bytes: 31 * MB })], '')).toMatchObject({
			field: 'Reference Images',
			problem: '@Image2 (URL "https://x.test/2.png") is 31.0 MB, over fal\'s limit of 30.0 MB per file',
		});
		expect(checkReferences([image(1), audio(1, { bytes: 16 * MB })], '')).toMatchObject({ field: 'Reference Audio', problem: expect.stringContaining('16.0 MB') });
		expect(checkReferences([image(1, { bytes: 30 * MB })], '')).toBeUndefined();
	});

	test('videos may add up to 50 MB, not more', () => {
		expect(checkReferences([video(1, { bytes: 25 * MB }), video(2, { bytes: 25 * MB })], '')).toBeUndefined();
		expect(checkReferences([video(1, { bytes: 25 * MB }), video(2, { bytes: 26 * MB })], '')).toMatchObject({
			field: 'Reference Videos',
			problem: "together 51.0 MB, over fal's limit of 50.0 MB for all videos",
		});
	});
});

describe('lengths', () => {
	test('videos add up to 2–15 s and audio to at most 15 s', () => {
		expect(checkReferences(times(3, (n) => video(n, { seconds: 5 })), '')).toBeUndefined();
		expect(checkReferences([video(1, { seconds: 10 }), video(2, { seconds: 5.5 })], '')).toMatchObject({
			field: 'Reference Videos',
			problem: 'together 15.5 s long, over fal\'s limit of 15 s (@Video1 (binary property "clip1") 10 s, @Video2 (binary property "clip2") 5.5 s)',
		});
		expect(checkReferences([video(1, { seconds: 1.5 })], '')).toMatchObject({ field: 'Reference Videos', problem: 'together only 1.5 s long; fal needs at least 2 s of video' });
		expect(checkReferences([image(1), audio(1, { seconds: 9 }), audio(2, { seconds: 7 })], '')).toMatchObject({ field: 'Reference Audio', problem: expect.stringContaining('together 16 s long') });
	});

	test('a video of unknown length (a URL) is left for fal to judge', () => {
		expect(checkReferences([video(1, { seconds: 1 }), video(2, { seconds: undefined, bytes: undefined })], '')).toBeUndefined();
		expect(inputVideoSeconds([video(1, { seconds: 1 }), video(2, { seconds: undefined })])).toBeUndefined();
		expect(inputVideoSeconds([image(1), video(1, { seconds: 2 }), video(2, { seconds: 2.5 })])).toBe(4.5);
	});
});

describe('the prompt\'s @Image1… names', () => {
	test('@Image4 with three images is refused, @Image3 is fine', () => {
		const references = times(3, image);
		expect(checkReferences(references, 'The bottle from @Image3 spins')).toBeUndefined();
		expect(checkReferences(references, 'The bottle from @Image4 spins')).toEqual({
			field: 'Prompt',
			problem: 'names @Image4, but only 3 images are given (@Image1…@Image3)',
			hint: expect.stringContaining('@Image1 is the first entry of Reference Images'),
		});
	});

	test('naming a video or audio that is not given is refused too', () => {
		expect(checkPromptTags('move like @Video1', { image: 2, video: 0, audio: 0 })).toMatchObject({ problem: 'names @Video1, but no reference videos are given' });
		expect(checkPromptTags('sing @audio2', { image: 1, video: 0, audio: 1 })).toMatchObject({ problem: 'names @audio2, but only 1 audio is given (@Audio1)' });
		expect(checkPromptTags('email me @ImageCorp', { image: 0, video: 0, audio: 0 })).toBeUndefined();
	});
});
