import type { FeedRow } from './feed-store.js';
import { clockTime, duration, outcomeLabel, STATUS_LABELS } from '../format.js';
import { href } from '../router.js';

/** One delivery in the feed: a link to its detail, laid out as columns by the stylesheet. */
export function FeedRowView({ row }: { row: FeedRow }) {
  const { delivery, lastAttempt } = row;
  const code = lastAttempt ? outcomeLabel(lastAttempt.outcome) : outcomeLabel(delivery.lastOutcome);
  return (
    <a class={`feed-row status-${delivery.status}`} href={href('deliveries', delivery.id)} data-delivery-id={delivery.id}>
      <span class="col-status">
        <span class="status-dot" aria-hidden="true" />
        {STATUS_LABELS[delivery.status]}
      </span>
      <span class="col-time">{clockTime(delivery.updatedAt)}</span>
      <span class="col-method">{delivery.method}</span>
      <span class="col-url" title={delivery.url}>
        {delivery.url}
      </span>
      <span class="col-code">{code}</span>
      <span class="col-duration">{lastAttempt ? duration(lastAttempt.durationMs) : '—'}</span>
      <span class="col-attempt" title="attempt number">
        {delivery.attemptCount === 0 ? '—' : `#${delivery.attemptCount}`}
      </span>
    </a>
  );
}
