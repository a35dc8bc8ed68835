/**
 * hookline as a library: build the same system `hookline serve` runs, from a config object.
 * Receivers that only check signatures import `hookline/verify` instead.
 */
export { createApp, type HooklineApp } from './app.js';
export { configSchema, configFields, type HooklineConfig, type HooklineConfigInput, type ConfigField } from './config/schema.js';
export { loadConfig, ConfigError, type LoadConfigInput } from './config/load.js';
export type { DeliveryEvent } from './delivery/events.js';
export type { CallbackKind, CallbackParams, Dialect, HttpMethod } from './domain/callback.js';
export type { Attempt, Delivery, DeliveryStatus, RecordedRequest, RecordedResponse } from './domain/delivery.js';
export type { AttemptOutcome } from './domain/outcome.js';
export type { DeliveryPolicy } from './domain/policy.js';
