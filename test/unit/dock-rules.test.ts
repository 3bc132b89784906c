import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../agent/config/config-loader.ts';
import { corrected, DEFAULT_DOCK_RULES, isLate, recordingGapMs } from '../../agent/dock/dock-rules.ts';
import { timesFromName } from '../../agent/dock/recording-times.ts';
import { dockRulesFrom } from '../../agent/main.ts';
import { utcOffsetMinutes } from '../../agent/time/zoned-time.ts';

const H = 3_600_000;
const t = (iso: string) => new Date(iso);

describe('R1 late ingest', () => {
  it('is late only past the limit, measured from the end of the recording', () => {
    const end = t('2026-11-20T08:00:00Z');
    assert.equal(isLate(end, new Date(end.getTime() + 24 * H), DEFAULT_DOCK_RULES), false);
    assert.equal(isLate(end, new Date(end.getTime() + 24 * H + 1000), DEFAULT_DOCK_RULES), true);
    const twoDays = { ...DEFAULT_DOCK_RULES, lateIngestHours: 48 };
    assert.equal(isLate(end, new Date(end.getTime() + 30 * H), twoDays), false, 'a town allowing 2 days');
    assert.equal(isLate(null, new Date(), DEFAULT_DOCK_RULES), false, 'unknown times are not flagged');
  });
});

describe('R9 recording gaps', () => {
  const end = t('2026-11-21T08:00:00Z');
  const after = (ms: number) => new Date(end.getTime() + ms);
  it('is a gap only between the threshold and a shift break', () => {
    assert.equal(recordingGapMs(end, after(1000), DEFAULT_DOCK_RULES), null, 'back-to-back segments');
    const threshold = DEFAULT_DOCK_RULES.gapThresholdSeconds * 1000;
    assert.equal(recordingGapMs(end, after(threshold), DEFAULT_DOCK_RULES), null, 'at the threshold');
    assert.equal(
      recordingGapMs(end, after(threshold + 1), DEFAULT_DOCK_RULES),
      threshold + 1,
      'just past it',
    );
    assert.equal(recordingGapMs(end, after(15 * 60_000), DEFAULT_DOCK_RULES), 15 * 60_000);
    assert.equal(recordingGapMs(end, after(5 * H), DEFAULT_DOCK_RULES), null, 'the next shift');
    assert.equal(recordingGapMs(null, after(15 * 60_000), DEFAULT_DOCK_RULES), null);
  });
});

describe('clock skew correction', () => {
  it('moves device times by the measured skew (device − host)', () => {
    assert.deepEqual(corrected(t('2026-11-21T08:00:05Z'), 5000), t('2026-11-21T08:00:00Z'));
    assert.deepEqual(corrected(t('2026-11-21T08:00:00Z'), null), t('2026-11-21T08:00:00Z'));
    assert.equal(corrected(null, 5000), null);
  });
});

describe('times from vendor file names', () => {
  it('reads the recorder-local start time and refuses impossible dates', () => {
    const times = timesFromName('DCIM/100MEDIA/20261121_083000_0001.MP4', 480);
    assert.deepEqual(times, {
      source: 'filename',
      start: t('2026-11-21T00:30:00Z'),
      end: null,
      durationMs: null,
    });
    assert.equal(timesFromName('DCIM/20261331_083000.MP4', 480), null, 'month 13');
    assert.equal(timesFromName('DCIM/20260230_083000.MP4', 480), null, '30 February');
    assert.equal(timesFromName('DCIM/20261121_256000.MP4', 480), null, 'hour 25');
    assert.equal(timesFromName('DCIM/MOV_0001.MP4', 480), null);
  });
});

describe('settings from the configuration', () => {
  it('take the rules and the recorders’ time zone from the embedded defaults', async () => {
    const { config } = await loadConfig(null, { pathDefaults: { stateDir: '/tmp/x', runDir: '/tmp/x/run' } });
    const rules = dockRulesFrom(config);
    assert.equal(rules.lateIngestHours, 24);
    assert.equal(rules.wipePolicy, 'after-seal');
    assert.equal(rules.deviceUtcOffsetMinutes, 480, 'Asia/Shanghai');
    assert.equal(config.paths.stateDir, '/tmp/x');
    assert.deepEqual(rules, DEFAULT_DOCK_RULES, 'the code defaults say what the embedded configuration says');
  });

  it('compute time-zone offsets, with daylight saving where a zone has it', () => {
    assert.equal(utcOffsetMinutes('Asia/Shanghai'), 480);
    assert.equal(utcOffsetMinutes('UTC'), 0);
    assert.equal(utcOffsetMinutes('America/New_York', t('2026-01-15T12:00:00Z')), -300);
    assert.equal(utcOffsetMinutes('America/New_York', t('2026-07-15T12:00:00Z')), -240);
  });
});
