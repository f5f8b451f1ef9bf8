/** Typed views of the plain-JS fakes (test/fake-fal, test/fake-openai) as the agent tests use them. */

export interface FakeOpenAi {
	url: string;
	chatRequests(): Array<{ messages: Array<{ role: string; content: unknown }>; tools?: Array<{ type: string; function: { name: string; description: string; parameters: Record<string, unknown> } }> }>;
	setScript(script: { toolName?: string; toolArguments?: Record<string, unknown> }): void;
	reset(): void;
	close(): Promise<void>;
}

export interface FakeFal {
	url: string;
	requests(kind: string): Array<{ path: string; body: Record<string, unknown> }>;
	close(): Promise<void>;
}
