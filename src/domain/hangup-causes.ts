/**
 * Plivo's hangup causes (plivo.md §1.7, from the hangup-causes page) with the legacy telephony name each
 * carries as `HangupCause`. The legacy mapping is not documented; the one here follows the names seen
 * in real call records (see docs/plivo-voice.md).
 */

export type HangupSource = 'Caller' | 'Callee' | 'Plivo' | 'Carrier' | 'API Request' | 'Answer XML' | 'Error' | 'Unknown';

export interface HangupCauseInfo {
  readonly name: string;
  readonly legacy: string;
}

const NORMAL = 'NORMAL_CLEARING';
const FAILURE = 'NORMAL_TEMPORARY_FAILURE';

export const HANGUP_CAUSES: Readonly<Record<number, HangupCauseInfo>> = {
  0: { name: 'Unknown', legacy: FAILURE },
  1000: { name: 'Canceled', legacy: 'ORIGINATOR_CANCEL' },
  2000: { name: 'Invalid Destination Address', legacy: 'UNALLOCATED_NUMBER' },
  2010: { name: 'Destination Out Of Service', legacy: FAILURE },
  3000: { name: 'No Answer', legacy: 'NO_ANSWER' },
  3010: { name: 'Busy Line', legacy: 'USER_BUSY' },
  3020: { name: 'Rejected', legacy: 'CALL_REJECTED' },
  3050: { name: 'Unallocated number', legacy: 'UNALLOCATED_NUMBER' },
  3100: { name: 'Busy everywhere', legacy: 'USER_BUSY' },
  3110: { name: 'Declined', legacy: 'CALL_REJECTED' },
  4000: { name: 'Normal Hangup', legacy: NORMAL },
  4010: { name: 'End Of XML Instructions', legacy: NORMAL },
  4020: { name: 'Multiparty Call Ended', legacy: NORMAL },
  5000: { name: 'Network Error', legacy: 'NETWORK_OUT_OF_ORDER' },
  5010: { name: 'Internal Error', legacy: FAILURE },
  6000: { name: 'Scheduled Hangup', legacy: NORMAL },
  6010: { name: 'Ring Timeout Reached', legacy: 'NO_ANSWER' },
  7011: { name: 'Error Reaching Answer URL', legacy: FAILURE },
  7012: { name: 'Error Reaching Action URL', legacy: FAILURE },
  7013: { name: 'Error Reaching Transfer URL', legacy: FAILURE },
  7014: { name: 'Error Reaching Redirect URL', legacy: FAILURE },
  8011: { name: 'Invalid Answer XML', legacy: FAILURE },
  8012: { name: 'Invalid Action XML', legacy: FAILURE },
  8013: { name: 'Invalid Transfer XML', legacy: FAILURE },
  8014: { name: 'Invalid Redirect XML', legacy: FAILURE },
  9000: { name: 'Lost Race', legacy: 'LOSE_RACE' },
  9100: { name: 'Machine Detected', legacy: NORMAL },
  9110: { name: 'Confirm Key Challenge Failed', legacy: NORMAL },
};

export function hangupCauseInfo(code: number): HangupCauseInfo {
  return HANGUP_CAUSES[code] ?? { name: 'Unknown', legacy: FAILURE };
}

/** Why a call ended: the code of the table above and who ended it. */
export interface Hangup {
  readonly code: number;
  readonly source: HangupSource;
}

/** The failure codes of a document request, by what fetched it (plivo.md §2.4). */
export type DocumentRole = 'answer' | 'action' | 'transfer' | 'redirect';
const UNREACHABLE: Readonly<Record<DocumentRole, number>> = { answer: 7011, action: 7012, transfer: 7013, redirect: 7014 };
const INVALID: Readonly<Record<DocumentRole, number>> = { answer: 8011, action: 8012, transfer: 8013, redirect: 8014 };

export function documentFailureCause(role: DocumentRole, failure: 'unreachable' | 'invalid'): number {
  return failure === 'unreachable' ? UNREACHABLE[role] : INVALID[role];
}
