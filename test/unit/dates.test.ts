import * as assert from 'node:assert/strict';
import { resolveDate } from '../../src/core/util/dates';

// The tests run with TZ=UTC (register.js), so local time is UTC here.
const NOW = new Date('2024-03-31T15:45:30.750Z');

describe('resolveDate: what --since and --until accept', () => {
  it('ISO-8601 dates: a day from its start (--since) or to its end (--until)', () => {
    assert.equal(resolveDate('2024-05-01', 'start', NOW), '2024-05-01T00:00:00Z');
    assert.equal(resolveDate('2024-05-01', 'end', NOW), '2024-05-01T23:59:59Z');
    assert.equal(resolveDate('2024-02-29', 'start', NOW), '2024-02-29T00:00:00Z');
  });

  it('ISO-8601 date-times, with or without seconds, fractions and zones', () => {
    assert.equal(resolveDate('2024-05-01T09:30:00Z', 'start', NOW), '2024-05-01T09:30:00Z');
    assert.equal(resolveDate('2024-05-01T09:30Z', 'end', NOW), '2024-05-01T09:30:00Z', 'a date-time is an instant, whatever the edge');
    assert.equal(resolveDate('2024-05-01T09:30:15.999+02:00', 'start', NOW), '2024-05-01T07:30:15Z');
    assert.equal(resolveDate('2024-05-01 09:30:00-0530', 'start', NOW), '2024-05-01T15:00:00Z');
    assert.equal(resolveDate('2024-05-01T09:30', 'start', NOW), '2024-05-01T09:30:00Z', 'no zone: local time');
  });

  it('"N <unit>(s) ago", yesterday, today, now', () => {
    assert.equal(resolveDate('now', 'start', NOW), '2024-03-31T15:45:30Z');
    assert.equal(resolveDate('today', 'start', NOW), '2024-03-31T00:00:00Z');
    assert.equal(resolveDate('today', 'end', NOW), '2024-03-31T23:59:59Z');
    assert.equal(resolveDate('Yesterday', 'start', NOW), '2024-03-30T00:00:00Z');
    assert.equal(resolveDate('30 seconds ago', 'start', NOW), '2024-03-31T15:45:00Z');
    assert.equal(resolveDate('1 minute ago', 'start', NOW), '2024-03-31T15:44:30Z');
    assert.equal(resolveDate('2 hours ago', 'start', NOW), '2024-03-31T13:45:30Z');
    assert.equal(resolveDate('90 days ago', 'start', NOW), '2024-01-01T15:45:30Z');
    assert.equal(resolveDate('2 weeks ago', 'start', NOW), '2024-03-17T15:45:30Z');
    assert.equal(resolveDate('1 month ago', 'start', NOW), '2024-02-29T15:45:30Z', 'the month\'s last day when it has no 31st');
    assert.equal(resolveDate('1 year ago', 'start', NOW), '2023-03-31T15:45:30Z');
  });

  it('refuses everything else, which git would read as some date', () => {
    for (const s of ['', 'garbage', '90.days', '2.weeks.ago', 'last week', 'yesterday noon', '2024-13-01', '2024-02-30', '2024-05-01T25:00',
      '2024-05-01T09:30+25:00', '24-05-01', '1969-12-31', '-1 days ago', '3 fortnights ago', '@1700000000', '--all', '2024-05-01x']) {
      assert.equal(resolveDate(s, 'start', NOW), undefined, JSON.stringify(s));
    }
  });
});
