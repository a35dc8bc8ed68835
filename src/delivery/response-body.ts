/**
 * The bytes of one response body as they arrive. Most callback responses fit in one chunk (or none),
 * so the first chunk is kept on its own and no array is made unless a second one comes.
 */
export class ResponseBody {
  /** Bytes received so far, kept or not. */
  size = 0;
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;

  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.first === null) this.first = chunk;
    else if (this.rest === null) this.rest = [chunk];
    else this.rest.push(chunk);
  }

  /** Forget everything: the next response (after a redirect or a 1xx) starts from nothing. */
  reset(): void {
    this.size = 0;
    this.first = null;
    this.rest = null;
  }

  /** Counts the chunk without keeping it (a redirect's body is drained only to reuse the socket). */
  skip(chunk: Buffer): void {
    this.size += chunk.length;
  }

  bytes(): Buffer {
    if (this.first === null) return EMPTY;
    if (this.rest === null) return this.first;
    return Buffer.concat([this.first, ...this.rest], this.size);
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * The first `limit` bytes as UTF-8 text, cut back to a character boundary so a multi-byte character
 * split by the limit does not end the text in a replacement character.
 */
export function textUpTo(bytes: Buffer, limit: number): { readonly text: string; readonly truncated: boolean } {
  if (bytes.length <= limit) return { text: bytes.toString('utf8'), truncated: false };
  let end = limit;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the split character.
  while (end > 0 && end > limit - 4 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: bytes.toString('utf8', 0, end), truncated: true };
}
