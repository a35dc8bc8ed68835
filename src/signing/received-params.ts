/** Parameters (or headers) as a receiver's framework would parse them: a repeated name becomes a list. */
export type ReceivedParams = Record<string, string | string[]>;

export function groupByName(pairs: Iterable<readonly [string, string]>): ReceivedParams {
  const params: ReceivedParams = {};
  for (const [name, value] of pairs) {
    const existing = params[name];
    params[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

/** A body is read as a form unless its content type or its first character says JSON. */
export function isFormBody(contentType: string | string[] | undefined, body: string): boolean {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (type !== undefined) return type.toLowerCase().startsWith('application/x-www-form-urlencoded');
  return !/^\s*[[{]/.test(body);
}

/** The signed parameters of a received request: the form body of a POST, nothing for GET or JSON. */
export function formParamsOf(method: string, contentType: string | string[] | undefined, body: string | null | undefined): ReceivedParams {
  if (method.toUpperCase() === 'GET' || body === null || body === undefined || !isFormBody(contentType, body)) return {};
  return groupByName(new URLSearchParams(body));
}
