import { parseDataUri } from '../../nodes/shared/media/dataUri';
import { sniffImageType } from '../../nodes/shared/media/imageType';
import { TINY_PNG } from '../node/seedance';

const hex = (text: string) => Buffer.from(text.replace(/\s/g, ''), 'hex');
const text = (value: string) => Buffer.from(value, 'utf8');

describe('an image is known by its bytes, not its label', () => {
	test.each([
		['PNG', TINY_PNG, 'png', 'image/png'],
		['JPEG', hex('ffd8ffe000104a464946000101'), 'jpeg', 'image/jpeg'],
		['WebP', Buffer.concat([text('RIFF'), hex('24000000'), text('WEBPVP8 ')]), 'webp', 'image/webp'],
	])('%s is accepted', (_name, bytes, type, mimeType) => {
		expect(sniffImageType(bytes)).toEqual({ accepted: true, type, mimeType });
	});

	test.each([
		['a 0-byte file', Buffer.alloc(0), 'empty'],
		['text', text('hello, I am not a picture'), 'text'],
		['SVG', text('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'svg'],
		['SVG with an XML declaration', text('<?xml version="1.0"?>\n<svg></svg>'), 'svg'],
		['HEIC', Buffer.concat([hex('00000018'), text('ftypheic'), hex('00000000')]), 'heic'],
		['AVIF', Buffer.concat([hex('0000001c'), text('ftypavif'), hex('00000000')]), 'avif'],
		['TIFF (little-endian)', hex('49492a0008000000'), 'tiff'],
		['TIFF (big-endian)', hex('4d4d002a00000008'), 'tiff'],
		['GIF', text('GIF89a\u0001\u0000'), 'gif'],
		['a PNG cut short', TINY_PNG.subarray(0, 4), 'unknown'],
		['random bytes', hex('00ff00ff10203040'), 'unknown'],
	])('%s is refused and named', (_name, bytes, type) => {
		expect(sniffImageType(bytes)).toEqual({ accepted: false, type });
	});
});

describe('data URIs are decoded whatever parameters they carry', () => {
	const base64 = TINY_PNG.toString('base64');

	test.each([
		['plain base64', `data:image/png;base64,${base64}`],
		['a charset before base64', `data:image/png;charset=utf-8;base64,${base64}`],
		['a name parameter', `data:image/png;name=cat.png;base64,${base64}`],
		['no media type', `data:;base64,${base64}`],
	])('%s', (_name, uri) => {
		expect(parseDataUri(uri)).toMatchObject({ base64: true, bytes: TINY_PNG });
	});

	test('a percent-encoded (non-base64) SVG is decoded to its text', () => {
		const parsed = parseDataUri('data:image/svg+xml;charset=utf-8,%3Csvg%3E%3C%2Fsvg%3E');
		expect(parsed?.mediaType).toBe('image/svg+xml');
		expect(parsed?.bytes.toString('utf8')).toBe('<svg></svg>');
	});

	test('a string that is not a data URI is left alone, a broken one is refused', () => {
		expect(parseDataUri('https://example.com/cat.png')).toBeUndefined();
		expect(parseDataUri('data:image/png;base64,@@@not base64@@@')?.problem).toBe('its base64 data is not valid base64');
		expect(parseDataUri('data:image/png,%E0%A4%A')?.problem).toBe('its data is not valid percent-encoding');
	});
});
