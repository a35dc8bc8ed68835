import { Agent } from 'undici';
import { buildTimedConnector } from './connector.js';
import { Exchange, type ExchangeDeps } from './http-exchange.js';
import type { OutboundRequest, SendLimits, SendResult, Sender } from './sender.js';
import type { SsrfGuard } from './ssrf-guard.js';

export interface HttpSenderOptions {
  readonly ssrf: SsrfGuard;
  /** Keep-alive connections per origin (per connect timeout in use, see `agentFor`). */
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

  agentFor(connectTimeoutMs: number): Agent {
    if (connectTimeoutMs === this.lastTimeoutMs && this.lastAgent !== null) return this.lastAgent;
    if (this.closed) throw new Error('HttpSender is closed; no more attempts can be sent');
    let agent = this.agents.get(connectTimeoutMs);
    if (agent) {
      // Move to the back: the map's order is least recently used first.
      this.agents.delete(connectTimeoutMs);
    } else {
      agent = this.newAgent(connectTimeoutMs);
      this.retireOldest();
    }
    this.agents.set(connectTimeoutMs, agent);
    this.lastTimeoutMs = connectTimeoutMs;
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
    outcome: { kind: 'refused', detail: `"${request.url}" is not a valid URL` },
    durationMs: performance.now() - startedAt,
    retryAfter: null,
    redirects: [],
  };
}
