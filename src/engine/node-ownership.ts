import type { Logger } from 'pino';
import type { Owned, OwnedKind, OwnerStore } from '../store/ports.js';

export interface NodeOwnershipOptions {
  readonly owners: OwnerStore;
  /** Names this node in the store. */
  readonly nodeId: string;
  /** Where other nodes forward requests for this node's calls and messages; known once the server listens. */
  readonly url: () => string;
  /**
   * How long what this node owns stays its own without a renewal: after that, another node takes it
   * over. Renewed three times per lease, so one slow or failed renewal costs nothing.
   */
  readonly leaseMs: number;
  /**
   * Take over a call or a message from a dead node: a call is ended (5010 and its hangup callback), a
   * message's far end goes on here. Answers whether it is still this node's to drive (false: forget it).
   */
  readonly adopt: (owned: Owned) => Promise<boolean>;
  readonly logger: Logger;
}

/** What the call engine and the message service tell the node's ownership. */
export interface OwnershipPort {
  /** Before the call or message is first stored, so a stored live one always has an owner to answer for it. */
  own(uuids: readonly string[], kind: OwnedKind): Promise<void>;
  /** Of these, the ones no node owns become this node's; answers them. */
  claim(uuids: readonly string[], kind: OwnedKind): Promise<string[]>;
  /** Once it is done (a call's end, a message's last step) and that is stored. */
  disown(uuid: string): void;
}

/** Rows taken over per pass: a dead node's calls and messages are handled a batch at a time. */
const ADOPT_BATCH = 100;

/**
 * This node's side of ownership on a shared store: records which calls it runs and which messages it
 * drives, keeps its lease alive, and takes over what nodes whose lease ran out left (their process died
 * with the calls in memory and the messages' next steps on its timers). What is taken over stays owned
 * by this node until it is done, so if this node dies too, the next one takes it over from here.
 */
export class NodeOwnership implements OwnershipPort {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;

  constructor(private readonly options: NodeOwnershipOptions) {}

  get nodeId(): string {
    return this.options.nodeId;
  }

  /**
   * Record this node now, before it claims anything at start: what it owns is then always a node's
   * with a lease, which runs out should it die before `start`.
   */
  join(): Promise<void> {
    return this.renew();
  }

  /** Renew now (with the address it now listens at), then on a timer, each time also taking over what dead nodes left. */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => {
      this.pass ??= this.tick().finally(() => (this.pass = null));
    }, Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  own(uuids: readonly string[], kind: OwnedKind): Promise<void> {
    return this.options.owners.own(uuids, this.options.nodeId, kind);
  }

  claim(uuids: readonly string[], kind: OwnedKind): Promise<string[]> {
    return this.options.owners.claim(uuids, this.options.nodeId, kind);
  }

  /** The call has ended here (the message has no step left). A failure is logged: the row is cleaned when a later owner finds it done. */
  disown(uuid: string): void {
    this.options.owners.disown(uuid, this.options.nodeId).catch((error: unknown) => {
      this.options.logger.warn({ err: error, uuid }, 'could not record that a call or message is done here');
    });
  }

  /** The live owner of a call or message when it is another node, else null (this node's, done, or its owner is dead). */
  async remoteOwner(uuid: string): Promise<{ nodeId: string; url: string } | null> {
    const owner = await this.options.owners.ownerOf(uuid, Date.now());
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
        const calls = orphans.filter((owned) => owned.kind === 'call').length;
        if (calls > 0) this.options.logger.warn({ calls }, 'took over the live calls of a node whose lease ran out; ending them (5010)');
        if (calls < orphans.length) this.options.logger.warn({ messages: orphans.length - calls }, 'took over the messages of a node whose lease ran out; their far end goes on here');
        for (const owned of orphans) await this.adopt(owned);
        if (orphans.length < ADOPT_BATCH) break;
      }
    } catch (error) {
      // The store is away (a restart): the next pass tries again. If it stays away longer than the
      // lease, other nodes may take this node's calls over once it is back, as for a dead node.
      this.options.logger.error({ err: error }, 'could not renew this node’s lease or take over dead nodes’ calls and messages');
    }
  }

  private async adopt(owned: Owned): Promise<void> {
    if (!(await this.options.adopt(owned))) await this.options.owners.disown(owned.uuid, this.options.nodeId);
  }
}
