import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CombinedProgress, RateMeter, formatBytes, formatTimeLeft } from '../../../src/app/progressText';

const MiB = 1024 * 1024;

describe('progress text', () => {
  it('combines files into one count', () => {
    const events: number[] = [];
    const c = new CombinedProgress(15, (s) => events.push(s));
    const a = c.for('a');
    const b = c.for('b');
    a(3);
    b(5);
    a(10);
    b(5);
    assert.deepEqual(events, [3, 8, 15]);
  });
  it('measures speed over a window and estimates time left', () => {
    const m = new RateMeter(5000);
    assert.equal(m.bytesPerSecond(), 0);
    m.add(0, 0);
    m.add(1000, 1000);
    m.add(3000, 2000);
    assert.equal(m.bytesPerSecond(), 1500);
    assert.equal(m.secondsLeft(6000), 2);
  });
  it('formats bytes, and time left as a clock', () => {
    assert.equal(formatBytes(230), '230 B');
    assert.equal(formatBytes(1.5 * MiB), '1.5 MiB');
    assert.equal(formatTimeLeft(7), '0:07');
    assert.equal(formatTimeLeft(242), '4:02');
    assert.equal(formatTimeLeft(3909), '1:05:09');
  });
});
