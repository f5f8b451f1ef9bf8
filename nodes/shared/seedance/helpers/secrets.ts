/** Replaces every occurrence of the API key (and of its secret half) in a text by a mask. */
export function redactSecret(text: string, apiKey: string | undefined): string {
	if (!apiKey) return text;
	const secrets = [apiKey, ...apiKey.split(':')].filter((secret) => secret.length >= 6);
	return secrets.reduce((redacted, secret) => redacted.split(secret).join('***'), text);
}
