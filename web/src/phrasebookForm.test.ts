import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateParams } from '../../src/core/phrasebook/params.ts';
import { findTemplate } from '../../src/core/phrasebook/render.ts';
import { formParams, searchTemplates } from './phrasebookForm.ts';

describe('the composer’s phrasebook form', () => {
  it('[HOT6] finds templates by id or by words in the reader’s language', () => {
    assert.ok(searchTemplates('cues.intent', 'en').some((t) => t.id === 'cues.intent.query'));
    assert.ok(searchTemplates('火控雷达', 'zh').some((t) => t.id === 'safety.stop.fire-control-radar'));
    assert.ok(searchTemplates('訓練', 'ja').some((t) => t.id === 'notice.activity.exercise'));
    assert.equal(searchTemplates('zzz-nothing', 'en').length, 0);
  });

  it('[HOT6] turns typed values into wire values: UTC times, lat/lon, nautical miles to metres', () => {
    const template = findTemplate('notice.activity.exercise');
    assert.ok(template);
    const params = formParams(template, {
      position: '24.5, 122.25',
      distance: '5',
      time: '2026-03-05T14:30',
      duration: '90',
    });
    assert.deepEqual(params, {
      position: { lat: 24.5, lon: 122.25 },
      distance: 9260,
      time: '2026-03-05T14:30:00Z',
      duration: 90,
    });
    assert.equal(validateParams(template, params).ok, true);
  });

  it('[HOT6] leaves blank fields out and unreadable ones as typed, so the check names them', () => {
    const template = findTemplate('notice.activity.exercise');
    assert.ok(template);
    const check = validateParams(template, formParams(template, { position: 'north', distance: 'far' }));
    assert.ok(!check.ok);
    const paths = check.problems.map((p) => p.path).sort();
    assert.deepEqual(paths, ['params.distance', 'params.duration', 'params.position', 'params.time']);
  });
});
