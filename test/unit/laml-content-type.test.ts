import { describe, expect, it } from 'vitest';
import { lamlBodyKind, playableType } from '../../src/domain/laml-content-type.js';

describe('what a LaML response’s Content-Type makes of its body', () => {
  it.each([
    ['text/xml', '<Response/>', 'laml'],
    ['application/xml; charset=utf-8', '<Response/>', 'laml'],
    ['TEXT/HTML', '<html></html>', 'laml'],
    ['application/vnd.example+xml', '<Response/>', 'laml'],
    [null, '', 'laml'],
    ['text/plain', '  <Response><Say>Hi</Say></Response>', 'laml'],
    ['text/plain; charset=utf-8', 'Thanks for calling', 'text'],
    ['audio/mpeg', 'ID3', 'audio'],
    ['audio/x-wav', 'RIFF', 'audio'],
    ['application/json', '{"ok":true}', 'unsupported'],
    ['image/png', 'PNG', 'unsupported'],
    ['application/octet-stream', '<Response/>', 'unsupported'],
  ])('reads %s (%s) as %s', (contentType, body, kind) => {
    expect(lamlBodyKind(contentType, body)).toBe(kind);
  });
});

describe('whether a <Play> URL answered audio (else SignalWire warns 13420)', () => {
  it.each([
    ['audio/mpeg', true],
    ['Audio/WAV; rate=8000', true],
    ['application/octet-stream', true],
    ['application/ogg', true],
    [null, true],
    ['text/html; charset=utf-8', false],
    ['application/xml', false],
    ['application/json', false],
    ['image/png', false],
  ])('takes %s as audio: %s', (contentType, playable) => {
    expect(playableType(contentType)).toBe(playable);
  });
});
