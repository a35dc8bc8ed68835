import { describe, expect, it } from 'vitest';
import { advance, FROM, lamlSetUp, TO } from '../support/laml-project.js';
import type { Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

interface Timeline {
  events: Array<{ type: string; message: string; data?: Record<string, unknown> }>;
}

const xml = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'application/xml' }, body });

const LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><Response><Say>&lol4;</Say></Response>`;

/** Documents meant to hurt a parser: each is refused as not LaML (12100) and the other call runs on. */
const HOSTILE: Array<[string, Reply]> = [
  ['entity expansion (billion laughs)', xml(LAUGHS)],
  ['an external entity', xml('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Response><Say>&x;</Say></Response>')],
  ['nesting thousands deep', xml(`<Response>${'<Gather>'.repeat(3_500)}${'</Gather>'.repeat(3_500)}</Response>`)],
  ['an unclosed element', xml('<Response><Say>hi</Response>')],
];

describe('Hostile LaML documents', () => {
  for (const [what, reply] of HOSTILE) {
    it(`refuses ${what} with 12100 and leaves another call running`, async () => {
      const { app, appServer, signalwire } = await lamlSetUp(rig, { '/hostile': () => reply });
      const healthy = await signalwire.calls.create({ to: '+14155550198', from: FROM, twiml: '<Response><Pause length="30"/></Response>' });
      const hostile = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/hostile') });
      await advance(app, 3_000);
      const { body } = await app.control<Timeline>('GET', `/calls/${hostile.sid}/timeline`);
      expect(body.events.filter((event) => event.type === 'error').map((event) => event.data?.errorCode)).toEqual(['12100']);
      expect(JSON.stringify(body.events)).not.toContain('/bin/'); // no file read into the timeline
      expect((await signalwire.calls(hostile.sid).fetch()).status).toBe('completed');
      expect((await signalwire.calls(healthy.sid).fetch()).status).toBe('in-progress');
      await advance(app, 30_000);
    });
  }
});
