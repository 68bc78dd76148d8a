import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linuxMemory, parseKbFields } from './procParsers';

const STATUS = `Name:\tnode
VmPeak:\t 1307812 kB
VmHWM:\t  412000 kB
VmRSS:\t  300000 kB
RssAnon:\t  250000 kB
RssFile:\t   48000 kB
RssShmem:\t    2000 kB
VmSwap:\t       0 kB
Threads:\t7
`;
const ROLLUP = `55b52d1fb000-7ffe5d91c000 ---p 00000000 00:00 0                          [rollup]
Rss:              300000 kB
Pss:              280000 kB
Private_Dirty:    240000 kB
`;

test('kB fields become bytes; other lines are ignored', () => {
  const f = parseKbFields(STATUS);
  assert.equal(f.get('VmRSS'), 300000 * 1024);
  assert.equal(f.has('Threads'), false);
  assert.equal(f.has('Name'), false);
});

test('the Linux view combines status and smaps_rollup', () => {
  assert.deepEqual(linuxMemory(STATUS, ROLLUP), {
    rssAnon: 250000 * 1024,
    rssFile: 48000 * 1024,
    rssShmem: 2000 * 1024,
    vmHwm: 412000 * 1024,
    vmSwap: 0,
    pss: 280000 * 1024,
    privateDirty: 240000 * 1024,
  });
  assert.equal(linuxMemory(undefined, ROLLUP), undefined, 'not Linux');
  assert.equal(linuxMemory(STATUS, undefined)?.pss, undefined, 'old kernels have no smaps_rollup');
});
