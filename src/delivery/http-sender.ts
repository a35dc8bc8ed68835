import { Agent } from 'undici';
import { buildTimedConnector } from './connector.js';
import { Exchange, type ExchangeDeps } from './http-exchange.js';
import type { OutboundRequest, SendLimits, SendResult, Sender } from './sender.js';
import type { SsrfGuard } from './ssrf-guard.js';

export interface HttpSenderOptions {
  readonly ssrf: SsrfGuard;
  /** Keep-alive connections per origin (per connect timeout in use: see `agentFor`). */
  readonly connectionsPerOrigin: number;
}

/**
 * The connect timeout belongs to the connector, so to the Agent, not to a request. Policies use a handful of values
 * (2000 ms for Plivo voice and LaML, the profile defaults otherwise, a few fragment overrides), so
 * one Agent per value is kept; past this many the least recently used is retired.
 */
const MAX_AGENTS = 32;

/**
 * The one HTTP path every callback attempt takes, notifications and documents alike: undici Agents
 * with keep-alive pools per origin, the SSRF guard on every hop and at connect time, and one
 * classified outcome per attempt. Never throws for network or HTTP failures.
 */
export class HttpSender implements Sender, ExchangeDeps {
  readonly ssrf: SsrfGuard;
  private readonly connectionsPerOrigin: number;
  private readonly agents = new Map<number, Agent>();
  /** The common case: every attempt uses the same connect timeout, so skip the map. */
  private lastTimeoutMs = -1;
  private lastAgent: Agent | null = null;
  private closed = false;

  constructor(options: HttpSenderOptions) {
    this.ssrf = options.ssrf;
    this.connectionsPerOrigin = options.connectionsPerOrigin;
  }

  send(request: OutboundRequest, limits: SendLimits): Promise<SendResult> {
    const startedAt = performance.now();
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve(invalidUrl(request, startedAt));
    }
    return new Promise((resolve) => new Exchange(this, request, limits, resolve, url).start());
  }

  /**
   * The Agent whose connector enforces this attempt's connect timeout. When the total budget is no
   * longer than ct (the document fetcher's last attempt gets ct = tt = what is left), the budget timer
   * ends the attempt first whatever the connector's timeout, so any Agent timing out no sooner will do:
   * that keeps such attempts on warm pools instead of minting an Agent per leftover millisecond.
   */
  agentFor(limits: SendLimits): Agent {
    const { connectTimeoutMs, totalTimeoutMs } = limits;
    const last = this.lastAgent;
    if (last !== null && (connectTimeoutMs === this.lastTimeoutMs || (connectTimeoutMs >= totalTimeoutMs && this.lastTimeoutMs >= totalTimeoutMs))) {
      return last;
    }
    if (this.closed) throw new Error('the HTTP sender is closed (hookline is shutting down); the attempt was not sent');
    const key = connectTimeoutMs >= totalTimeoutMs ? this.keyNoSoonerThan(totalTimeoutMs, connectTimeoutMs) : Math.ceil(connectTimeoutMs);
    let agent = this.agents.get(key);
    if (agent) {
      // Move to the back: the map's order is least recently used first.
      this.agents.delete(key);
    } else {
      agent = this.newAgent(key);
      this.retireOldest();
    }
    this.agents.set(key, agent);
    this.lastTimeoutMs = key;
    this.lastAgent = agent;
    return agent;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.lastAgent = null;
    this.lastTimeoutMs = -1;
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }

  private newAgent(connectTimeoutMs: number): Agent {
    return new Agent({
      connections: this.connectionsPerOrigin,
      pipelining: 1,
      connect: buildTimedConnector(connectTimeoutMs, this.ssrf.lookup),
    });
  }

  /** An existing Agent's timeout of at least `floorMs`, else `wantedMs` rounded up. */
  private keyNoSoonerThan(floorMs: number, wantedMs: number): number {
    for (const timeoutMs of this.agents.keys()) if (timeoutMs >= floorMs) return timeoutMs;
    return Math.ceil(wantedMs);
  }

  private retireOldest(): void {
    if (this.agents.size < MAX_AGENTS) return;
    const [timeoutMs, oldest] = this.agents.entries().next().value as [number, Agent];
    this.agents.delete(timeoutMs);
    // Graceful: requests already on it finish; new hops ask agentFor again and never land here.
    void oldest.close();
  }
}

/** A URL that does not parse is refused like any other forbidden destination: nothing is sent. */
function invalidUrl(request: OutboundRequest, startedAt: number): SendResult {
  return {
    request,
    response: null,
    body: null,
    bodyBytes: null,
    outcome: { kind: 'refused', detail: `"${request.url}" is not a valid URL` },
    durationMs: performance.now() - startedAt,
    retryAfter: null,
    redirects: [],
  };
}
