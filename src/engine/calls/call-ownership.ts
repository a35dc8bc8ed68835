import type { Logger } from 'pino';
import type { CallOwnerStore } from '../../store/ports.js';

export interface CallOwnershipOptions {
  readonly owners: CallOwnerStore;
  /** Names this node in the store. */
  readonly nodeId: string;
  /** Where other nodes forward requests for this node's calls; known once the server listens. */
  readonly url: () => string;
  /**
   * How long this node's calls stay its own without a renewal: after that, another node takes them
   * over and ends them. Renewed three times per lease, so one slow or failed renewal costs nothing.
   */
  readonly leaseMs: number;
  /** End a call taken over from a dead node (5010 and its hangup callback). */
  readonly endOrphan: (callUuid: string) => Promise<void>;
  readonly logger: Logger;
}

/** Calls taken over per pass: a dead node's calls are ended a batch at a time. */
const ADOPT_BATCH = 100;

/**
 * This node's side of call ownership on a shared store: records which calls it runs, keeps its lease
 * alive, and ends the calls of nodes whose lease ran out (their process died with the calls in
 * memory). A call taken over stays owned by this node until it is ended, so if this node dies too,
 * the next one takes it over from here.
 */
export class CallOwnership {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;

  constructor(private readonly options: CallOwnershipOptions) {}

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** Renew now, then on a timer, each time also ending what dead nodes left. */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => {
      this.pass ??= this.tick().finally(() => (this.pass = null));
    }, Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  own(callUuid: string): Promise<void> {
    return this.options.owners.own(callUuid, this.options.nodeId);
  }

  /** The call has ended here. A failure is logged: the row is cleaned when a later owner finds the call ended. */
  disown(callUuid: string): void {
    this.options.owners.disown(callUuid, this.options.nodeId).catch((error: unknown) => {
      this.options.logger.warn({ err: error, callUuid }, 'could not record that a call ended here');
    });
  }

  /** The live owner of a call when it is another node, else null (this node's, ended, or its owner is dead). */
  async remoteOwner(callUuid: string): Promise<{ nodeId: string; url: string } | null> {
    const owner = await this.options.owners.ownerOf(callUuid, Date.now());
    if (!owner || !owner.alive || owner.nodeId === this.options.nodeId) return null;
    return { nodeId: owner.nodeId, url: owner.url };
  }

  /** Stop renewing and end the lease, once this node's calls have ended. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
    await this.options.owners.leave(this.options.nodeId).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'could not end this node’s lease; it runs out on its own');
    });
  }

  private renew(): Promise<void> {
    return this.options.owners.renew({ id: this.options.nodeId, url: this.options.url(), leaseUntil: Date.now() + this.options.leaseMs });
  }

  private async tick(): Promise<void> {
    try {
      await this.renew();
      for (;;) {
        const orphans = await this.options.owners.adoptOrphans(this.options.nodeId, Date.now(), ADOPT_BATCH);
        if (orphans.length === 0) break;
        this.options.logger.warn({ calls: orphans.length }, 'took over the live calls of a node whose lease ran out; ending them (5010)');
        for (const callUuid of orphans) await this.endOrphan(callUuid);
        if (orphans.length < ADOPT_BATCH) break;
      }
    } catch (error) {
      // The store is away (a restart): the next pass tries again. If it stays away longer than the
      // lease, other nodes may take these calls over once it is back, as for a dead node.
      this.options.logger.error({ err: error }, 'could not renew this node’s call lease or take over dead nodes’ calls');
    }
  }

  private async endOrphan(callUuid: string): Promise<void> {
    await this.options.endOrphan(callUuid);
    await this.options.owners.disown(callUuid, this.options.nodeId);
  }
}
