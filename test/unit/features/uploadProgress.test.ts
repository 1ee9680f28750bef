// src/features/upload/progressReporter.ts: what the upload notification says while bytes go out and once they all
// have (the service still has to assemble a multipart upload: "Completing...", not a 100% that looks stuck).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness } from '../fakes/services';

describe('upload progress', () => {
  const reporter = (label: string) => {
    const h = createHarness();
    const { UploadProgressReporter } = h.load<typeof import('../../../src/features/upload/progressReporter')>(
      'features/upload/progressReporter.js',
    );
    const reports: { message?: string; increment?: number }[] = [];
    const r = new UploadProgressReporter({ report: (v) => reports.push(v) }, 20 * 1024 * 1024, label);
    h.dispose();
    return { r, reports };
  };

  it('shows the percent and bytes while sending, then "Completing..." once every byte is sent', () => {
    const { r, reports } = reporter('Sent');
    r.update(10 * 1024 * 1024, 1_000);
    r.update(20 * 1024 * 1024, 2_000);
    assert.match(reports[0].message ?? '', /^Sent: 50% · 10.0 MiB of 20.0 MiB/);
    assert.equal(reports[1].message, 'Completing... (all 20.0 MiB sent)');
    assert.equal(
      reports.reduce((n, p) => n + (p.increment ?? 0), 0),
      100,
    );
  });

  it('names the file count of a folder upload while completing', () => {
    const { r, reports } = reporter('3 files');
    r.update(20 * 1024 * 1024, 1_000);
    assert.equal(reports[0].message, 'Completing... (3 files, all 20.0 MiB sent)');
  });
});
