/** One step of a call as the timeline shows it: what happened, when (clock time), and its details. */
export interface CallEvent {
  readonly at: number;
  readonly type:
    | 'request'
    | 'status'
    | 'document'
    | 'instruction'
    | 'far-end'
    | 'callback'
    | 'hangup'
    | 'error'
    | 'warning'
    | 'message'
    | 'recording'
    | 'dial';
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}
