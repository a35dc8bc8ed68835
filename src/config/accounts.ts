import { isUuid } from '../domain/ids.js';
import { ACCOUNT_SPEC } from './schema.js';

/** One `--account` value in parts. The config schema has checked its shape. */
export interface AccountSpec {
  readonly authId: string;
  readonly authToken: string;
  /** Given as the third part, else null: kept from the store, or the auth id when that is a UUID, or made. */
  readonly lamlProjectId: string | null;
  /** Given as the fourth part, else null: kept from the store, or made. */
  readonly signingKey: string | null;
}

export function parseAccountSpec(spec: string): AccountSpec {
  const parts = ACCOUNT_SPEC.exec(spec);
  if (!parts) throw new Error(`--account: expected AUTH_ID:AUTH_TOKEN[:PROJECT_ID[:SIGNING_KEY]], got ${JSON.stringify(spec)}`);
  const [, authId = '', authToken = '', lamlProjectId, signingKey] = parts;
  return { authId, authToken, lamlProjectId: lamlProjectId ?? null, signingKey: signingKey ?? null };
}

/** The project id an `--account` names: its third part, or its auth id when that is a UUID (the older two-part form); else null. */
export function givenProjectId(spec: AccountSpec): string | null {
  return spec.lamlProjectId ?? (isUuid(spec.authId) ? spec.authId : null);
}

/** A LaML request names its project by id: two accounts with one would answer for each other. */
export function refuseSharedProjects(specs: readonly AccountSpec[]): void {
  const owners = new Map<string, string>();
  for (const spec of specs) {
    const project = givenProjectId(spec);
    if (project === null) continue;
    const other = owners.get(project);
    if (other !== undefined) throw new Error(`--account: ${other} and ${spec.authId} both have the LaML project id ${project}; give each account a project id of its own`);
    owners.set(project, spec.authId);
  }
}
