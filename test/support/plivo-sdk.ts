import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The real `plivo` SDK, pointed at a hookline. Its `url` option covers messages and accounts, but its
 * voice resources (applications, calls…) always call https://api.plivo.com (plivo.md §7.1), so every
 * axios request the SDK makes has that origin rewritten to the hookline under test.
 */
export const plivo = require('plivo') as {
  Client: new (authId: string, authToken: string, options: { url: string }) => PlivoClient;
  validateV3Signature(method: string, uri: string, nonce: string, token: string, signature: string, params?: object): boolean;
  validateSignature(uri: string, nonce: string, signature: string, token: string): boolean;
};

type SdkList = Array<Record<string, unknown>> & { meta?: Record<string, unknown> };

export interface PlivoClient {
  calls: {
    create(from: string, to: string, answerUrl: string, params?: Record<string, unknown>): Promise<{ apiId: string; message: string; requestUuid: string | string[] }>;
    get(uuid: string): Promise<Record<string, unknown>>;
    list(params?: Record<string, unknown>): Promise<SdkList>;
    hangup(uuid: string): Promise<unknown>;
    cancel(requestUuid: string): Promise<unknown>;
    listLiveCalls(params?: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
    getLiveCall(uuid: string): Promise<Record<string, unknown>>;
    listQueuedCalls(): Promise<Array<Record<string, unknown>>>;
    getQueuedCall(uuid: string): Promise<Record<string, unknown>>;
    transfer(uuid: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
    record(uuid: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
    stopRecording(uuid: string, params?: Record<string, unknown>): Promise<unknown>;
    playMusic(uuid: string, urls: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
    speakText(uuid: string, text: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
    sendDigits(uuid: string, digits: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  };
  messages: {
    create(params: Record<string, unknown>): Promise<{ apiId: string; message: string; messageUuid: string[] }>;
    get(uuid: string): Promise<Record<string, unknown>>;
    list(params?: Record<string, unknown>): Promise<SdkList>;
  };
  subaccounts: {
    create(name: string, enabled?: boolean): Promise<{ authId: string; authToken: string; message: string }>;
    get(id: string): Promise<Record<string, unknown>>;
    list(params?: Record<string, unknown>): Promise<SdkList>;
    update(id: string, name: string, enabled: boolean): Promise<Record<string, unknown>>;
    delete(id: string): Promise<boolean>;
  };
  applications: {
    create(appName: string, params?: Record<string, unknown>): Promise<{ apiId: string; appId: string; message: string }>;
    get(id: string): Promise<Record<string, unknown>>;
    list(params?: Record<string, unknown>): Promise<SdkList>;
    update(id: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
    delete(id: string): Promise<unknown>;
  };
  verify_session: {
    create(params: Record<string, unknown>): Promise<{ apiId: string; message: string; sessionUuid: string }>;
    get(uuid: string): Promise<Record<string, unknown>>;
    list(params?: Record<string, unknown>): Promise<Record<string, unknown>>;
    validate(params: { id: string; otp: string }): Promise<{ apiId: string; message: string }>;
  };
  numbers: {
    buy(number: string, appId?: string): Promise<Record<string, unknown>>;
    get(number: string): Promise<Record<string, unknown>>;
    list(params?: Record<string, unknown>): Promise<SdkList>;
    update(number: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
    unrent(number: string): Promise<unknown>;
  };
}

interface AxiosLike {
  interceptors: { request: { use(fn: (config: { url?: string }) => unknown): void } };
  create(config?: unknown): AxiosLike;
}

let target: string | null = null;
let patched = false;

function rewrite(config: { url?: string }): { url?: string } {
  if (target && typeof config.url === 'string') config.url = config.url.replace(/^https:\/\/api\.plivo\.com/, target);
  return config;
}

function patchAxios(): void {
  if (patched) return;
  patched = true;
  // The copy plivo resolves: hoisted to the top of node_modules.
  const axios = require(require.resolve('axios', { paths: [require.resolve('plivo')] })) as AxiosLike;
  axios.interceptors.request.use(rewrite);
  const create = axios.create.bind(axios);
  axios.create = (config?: unknown) => {
    const instance = create(config);
    instance.interceptors.request.use(rewrite);
    return instance;
  };
}

export function plivoClient(hooklineUrl: string, authId: string, authToken: string, accountPath = authId): PlivoClient {
  patchAxios();
  target = hooklineUrl;
  return new plivo.Client(authId, authToken, { url: `${hooklineUrl}/v1/Account/${accountPath}` });
}
