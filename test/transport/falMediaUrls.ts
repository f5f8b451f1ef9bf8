/**
 * Media URLs as fal really returns them, collected from fal's docs and from clients' code and tests
 * (public sources, 2026-12). Every one must download; none may be refused for its host.
 */
export const FAL_MEDIA_URL_CORPUS: ReadonlyArray<{ url: string; source: string }> = [
	{ url: 'https://v3.fal.media/files/rabbit/hmnNkTsFgyMaPhvk8z86M_output.mp4', source: 'fal docs, media-expiration (v3.fal.media/files/...)' },
	{ url: 'https://v3.fal.media/files/b/0a1b2c3d/output.png', source: 'fal Platform APIs, storage/files/sign example' },
	{ url: 'https://v3.fal.media/files/b/0a1b2c3d/output.png?identity=abc123', source: 'fal Platform APIs, a signed URL (query added by sign)' },
	{ url: 'https://v3b.fal.media/files/b/0a8b90e0/BFLE9VDlZqsryU-UA3BoD_image_004.png', source: 'client test, v3b file on the /files/b/<hex>/ layout' },
	{ url: 'https://v3b.fal.media/files/b/kangaroo/oUCiZjQwEy6bIQdPUSLDF_output.mp4', source: 'client test, v3b video output' },
	{ url: 'https://v3b.fal.media/files/b/0a96348f/8WpG7tYXDqYQWEztAz6BT_video.mp4', source: 'client seed data, v3b video' },
	{ url: 'https://fal.media/files/lion/Q7VtU0t8PW-p_5HL5jZ_Z_1476fade40c844d7a798f355fd09c26f.jpg', source: 'client code, bare fal.media host' },
	{ url: 'https://fal.media/files/monkey/abc.mp4', source: 'client test, bare fal.media video' },
	{ url: 'https://storage.googleapis.com/falserverless/gallery/man-smiles.mp4', source: 'fal model schema example (video output)' },
	{ url: 'https://storage.googleapis.com/falserverless/web-examples/pika/pika%202.2/text-to-video-output.mp4', source: 'fal model page example, escaped space' },
	{ url: 'https://storage.googleapis.com/falserverless/example_inputs/seedance_pro_i2v_img.jpg', source: 'fal Seedance example input' },
	{ url: 'https://v4.fal.media/files/b/0a00/output.mp4', source: 'hypothetical: a CDN host fal adds later' },
	{ url: 'https://media.fal-cdn.example.net/files/output.mp4', source: 'hypothetical: a CDN under another domain' },
];
