import { describe, expect, it } from 'vitest';
import { ownedOfRequest } from '../../src/api/call-forwarding.js';

describe('the requests about one live call or a message’s far end, which its owner answers', () => {
  it.each([
    ['/hookline/v1/calls/abc-1/digits', 'abc-1'],
    ['/hookline/v1/calls/abc-1/timeline?x=1', 'abc-1'],
    ['/v1/Account/MA1/Call/abc-1/', 'abc-1'],
    ['/v1/Account/MA1/Call/abc-1/?status=live', 'abc-1'],
    ['/v1/Account/MA1/Call/abc-1/Record/', 'abc-1'],
    ['/v1/Account/MA1/Call/abc-1/DTMF', 'abc-1'],
    ['/v1/Account/MA1/Request/abc-1/', 'abc-1'],
    ['/api/laml/2010-04-01/Accounts/p-1/Calls/abc-1.json', 'abc-1'],
    ['/2010-04-01/Accounts/p-1/Calls/abc-1', 'abc-1'],
    ['/hookline/v1/messages/msg-1/status', 'msg-1'],
  ])('finds the call of %s', (url, uuid) => {
    expect(ownedOfRequest(url)).toBe(uuid);
  });

  it.each(['/v1/Account/MA1/Call/', '/v1/Account/MA1/Call/?status=live', '/hookline/v1/calls', '/v1/Account/MA1/Message/abc-1/', '/hookline/v1/calls/abc-1/unknown', '/2010-04-01/Accounts/p-1/Calls.json', '/2010-04-01/Accounts/p-1/Calls/abc-1/Recordings.json', '/hookline/v1/messages/msg-1'])(
    'leaves %s to the node asked',
    (url) => {
      expect(ownedOfRequest(url)).toBeNull();
    },
  );
});
