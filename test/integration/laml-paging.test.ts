import { describe, expect, it } from 'vitest';
import { advance, FROM, laml, lamlSetUp, TO } from '../support/laml-project.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

/** What the SDKs' `page()` resolves to: the instances, and the next page through `next_page_uri`. */
interface SdkPage<T> {
  instances: T[];
  nextPageUrl: string | undefined;
  nextPage(): Promise<SdkPage<T> | undefined>;
}

describe('LaML list paging while resources are created', () => {
  it('neither repeats nor skips a message on the next page when new messages arrived since the first', async () => {
    const { signalwire } = await lamlSetUp(rig);
    for (const body of ['one', 'two', 'three']) await signalwire.messages.create({ to: TO, from: FROM, body });
    const first = (await signalwire.messages.page({ pageSize: 2 })) as unknown as SdkPage<{ body: string }>;
    expect(first.instances.map((message) => message.body)).toEqual(['three', 'two']);

    for (const body of ['four', 'five']) await signalwire.messages.create({ to: TO, from: FROM, body });
    const second = (await first.nextPage())!;
    expect(second.instances.map((message) => message.body)).toEqual(['one']);
    expect(second.nextPageUrl).toBeUndefined();
  });

  it('walks every call once through next_page_uri while calls are being placed', async () => {
    const { app, appServer, twilio } = await lamlSetUp(rig, { '/voice': () => laml('<Pause length="30"/>') });
    const placed: string[] = [];
    const place = async () => placed.push((await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/voice') })).sid);
    for (let n = 0; n < 5; n++) await place();

    const seen: string[] = [];
    let page: SdkPage<{ sid: string }> | undefined = (await twilio.calls.page({ pageSize: 2 })) as unknown as SdkPage<{ sid: string }>;
    while (page) {
      seen.push(...page.instances.map((call) => call.sid));
      await place(); // a new call between every two pages
      page = page.nextPageUrl ? await page.nextPage() : undefined;
    }
    expect(seen).toEqual(placed.slice(0, 5).reverse());
    await advance(app, 40_000);
  });
});
