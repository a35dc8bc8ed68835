import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A call as both SDKs show it: their `CallInstance`, camelCased from the JSON. */
export interface SdkCall {
  sid: string;
  accountSid: string;
  status: string;
  direction: string;
  to: string;
  from: string;
  duration: unknown;
  dateCreated: Date;
  startTime: Date | null;
  endTime: Date | null;
  apiVersion: string;
  uri: string;
}

/** A recording as both SDKs show it. */
export interface SdkRecording {
  sid: string;
  accountSid: string;
  callSid: string;
  status: string;
  duration: string | null;
  source: string;
  channels: unknown;
  dateCreated: Date;
  uri: string;
}

interface RecordingList {
  list(params?: Record<string, unknown>): Promise<SdkRecording[]>;
}

interface CallContext {
  fetch(): Promise<SdkCall>;
  update(params: Record<string, unknown>): Promise<SdkCall>;
  recordings: RecordingList;
}

/** A message as both SDKs show it: their `MessageInstance`, camelCased from the JSON. */
export interface SdkMessage {
  sid: string;
  accountSid: string;
  status: string;
  direction: string;
  to: string;
  from: string;
  body: string;
  numSegments: unknown;
  numMedia: unknown;
  price: unknown;
  priceUnit: string;
  errorCode: unknown;
  errorMessage: string | null;
  dateCreated: Date;
  dateSent: Date | null;
  dateUpdated: Date;
  apiVersion: string;
  uri: string;
  subresourceUris: Record<string, string>;
}

/** An IncomingPhoneNumber as both SDKs show it. */
export interface SdkNumber {
  sid: string;
  accountSid: string;
  phoneNumber: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: string;
  voiceFallbackUrl: string | null;
  statusCallback: string | null;
  smsUrl: string | null;
  smsMethod: string;
  smsFallbackUrl: string | null;
  capabilities: Record<string, boolean>;
  dateCreated: Date;
  uri: string;
}

export interface LamlClient {
  recordings: ((sid: string) => { fetch(): Promise<SdkRecording> }) & RecordingList;
  incomingPhoneNumbers: ((sid: string) => { fetch(): Promise<SdkNumber>; update(params: Record<string, unknown>): Promise<SdkNumber>; remove(): Promise<boolean> }) & {
    create(params: Record<string, unknown>): Promise<SdkNumber>;
    list(params?: Record<string, unknown>): Promise<SdkNumber[]>;
  };
  messages: ((sid: string) => { fetch(): Promise<SdkMessage> }) & {
    create(params: Record<string, unknown>): Promise<SdkMessage>;
    list(params?: Record<string, unknown>): Promise<SdkMessage[]>;
    page(params?: Record<string, unknown>): Promise<{ instances: SdkMessage[]; nextPageUrl?: string }>;
  };
  calls: ((sid: string) => CallContext) & {
    create(params: Record<string, unknown>): Promise<SdkCall>;
    list(params?: Record<string, unknown>): Promise<SdkCall[]>;
    page(params?: Record<string, unknown>): Promise<{ instances: SdkCall[]; nextPageUrl?: string }>;
  };
  api: { baseUrl: string };
  accountSid: string;
  username: string;
}

/** A REST error as both SDKs throw it: the JSON body's fields. */
export interface SdkError {
  status: number;
  code: number;
  message: string;
  moreInfo: string;
}

const signalwire = require('@signalwire/compatibility-api') as {
  RestClient: (new (projectId: string, token: string, options: { signalwireSpaceUrl: string }) => LamlClient) & {
    validateRequest(signingKey: string, signature: string, url: string, params: Record<string, string>): boolean;
  };
};
const twilioSdk = require('twilio') as ((accountSid: string, token: string) => LamlClient) & {
  validateRequest(authToken: string, signature: string, url: string, params: Record<string, string>): boolean;
};

/**
 * The real `@signalwire/compatibility-api` client pointed at a hookline: it hard-codes https, so its
 * base URL is replaced after construction (laml.md §9.1, option 2).
 */
export function signalwireClient(baseUrl: string, projectId: string, token: string): LamlClient {
  const client = new signalwire.RestClient(projectId, token, { signalwireSpaceUrl: 'hookline.invalid' });
  client.api.baseUrl = baseUrl;
  return client;
}

/**
 * The real `twilio` client pointed at a hookline: it insists on an `AC…` sid, so it is built with a
 * placeholder and given the project id before its first request (laml.md §9.2).
 */
export function twilioClient(baseUrl: string, projectId: string, token: string): LamlClient {
  const client = twilioSdk(`AC${'0'.repeat(32)}`, token);
  client.api.baseUrl = baseUrl;
  client.accountSid = projectId;
  client.username = projectId;
  return client;
}

/** Both SDKs' webhook validators, over the signature headers hookline sends. */
export function signedForBoth(token: string, request: { fullUrl: string; headers: Record<string, string>; params: Record<string, string>; method: string }): { signalwire: boolean; twilio: boolean } {
  const params = request.method === 'GET' ? {} : request.params;
  return {
    signalwire: signalwire.RestClient.validateRequest(token, request.headers['x-signalwire-signature'] ?? '', request.fullUrl, params),
    twilio: twilioSdk.validateRequest(token, request.headers['x-twilio-signature'] ?? '', request.fullUrl, params),
  };
}
