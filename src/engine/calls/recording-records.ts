import { RECORDING_RESOURCE, type StoredRecording } from '../../domain/recording.js';
import type { Store } from '../../store/ports.js';

/** The records of the recordings calls made, as the front doors list and show them. */
export class RecordingRecords {
  constructor(private readonly store: Store) {}

  /** The recording if it belongs to `accountId`. */
  async get(accountId: string, id: string): Promise<StoredRecording | null> {
    const resource = await this.store.getResource(RECORDING_RESOURCE, id);
    const recording = resource ? (resource.state as StoredRecording) : null;
    return recording && recording.accountId === accountId ? recording : null;
  }

  async list(accountId: string, filter: { readonly callUuid?: string }, page: { limit: number; offset: number }): Promise<{ recordings: StoredRecording[]; total: number }> {
    const where: Record<string, string> = filter.callUuid ? { callUuid: filter.callUuid } : {};
    const { items, total } = await this.store.listResources({ type: RECORDING_RESOURCE, accountId, where }, page);
    return { recordings: items.map((item) => item.state as StoredRecording), total };
  }
}
