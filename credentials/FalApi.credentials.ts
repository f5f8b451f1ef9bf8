import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class FalApi implements ICredentialType {
	name = 'falApi';

	displayName = 'Fal API';

	icon: Icon = { light: 'file:../icons/fal.svg', dark: 'file:../icons/fal.dark.svg' };

	documentationUrl = 'https://docs.fal.ai/authentication/key-based';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx:xxxxxxxx',
			description:
				'Your fal key, from <a href="https://fal.ai/dashboard/keys" target="_blank">fal.ai → Dashboard → Keys</a>. Sent as "Authorization: Key …" to the API host only.',
		},
		{
			displayName: 'API Host',
			name: 'apiHost',
			type: 'string',
			default: '',
			placeholder: 'https://fal-proxy.example.com',
			description:
				"Leave empty to use fal's own hosts. Set it to send every fal request (queue, status, results, file uploads) to one host instead, keeping each request's path: a corporate proxy, or a local fake fal for tests and the offline demo. The API key is sent to this host only.",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Key {{$credentials.apiKey}}' } },
	};

	// Starting a storage upload needs a valid key, runs no model and stores nothing until bytes are
	// PUT, so it costs nothing; a wrong key gets 401/403. The queue has no free authenticated GET.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiHost ? $credentials.apiHost.replace(/\\/+$/, "") : "https://rest.fal.ai"}}',
			url: '/storage/upload/initiate?storage_type=fal-cdn-v3',
			method: 'POST',
			body: { content_type: 'text/plain', file_name: 'n8n-credential-test.txt' },
			json: true,
		},
	};
}
