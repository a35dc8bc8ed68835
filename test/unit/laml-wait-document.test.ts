import { describe, expect, it } from 'vitest';
import { waitDocument } from '../../src/domain/laml-wait-document.js';
import { readLamlDocument } from '../../src/xml/laml-instructions.js';

function instructions(body: string) {
  const read = readLamlDocument(`<Response>${body}</Response>`, 'https://app.example/hold');
  if (!read.ok) throw new Error(read.error.message);
  return read.instructions;
}

describe('what a LaML waitUrl document may run (SignalWire 13238)', () => {
  it('leaves out Dial in every form, Gather, Hangup and Record, each warned at its line and column', () => {
    const checked = waitDocument(
      instructions('<Say>hold</Say><Dial>+14155550111</Dial><Dial><Queue>q</Queue></Dial><Gather/><Record/><Hangup/><Play>/m.mp3</Play><Leave/>'),
      'waitUrl',
    );
    expect(checked.instructions.map((instruction) => instruction.kind)).toEqual(['speak', 'play', 'leave']);
    expect(checked.warnings).toEqual([
      'line 1, column 26: <Dial> cannot run in a waitUrl document; warning 13238, it is skipped',
      expect.stringMatching(/^line 1, column \d+: <Queue> cannot run/),
      expect.stringMatching(/<Gather> cannot run/),
      expect.stringMatching(/<Record> cannot run/),
      expect.stringMatching(/<Hangup> cannot run/),
    ]);
  });

  it('keeps a Reject, which SignalWire does not list', () => {
    expect(waitDocument(instructions('<Reject/>'), 'waitUrl')).toMatchObject({ instructions: [{ kind: 'hangup' }], warnings: [] });
  });
});
