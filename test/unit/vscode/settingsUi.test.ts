// The settings as the Settings UI shows them (package.json contributes.configuration): every one described in
// Markdown, in a deliberate order, enums with a description per value, and the multipart threshold in MiB, with
// the older byte setting still honoured where a settings.json has it.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, ROOT, type Harness } from '../fakes/services';

interface Property {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  enumDescriptions?: string[];
  markdownDescription?: string;
  markdownDeprecationMessage?: string;
  order?: number;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Property> } };
};
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const properties = pkg.contributes.configuration.properties;
const MiB = 1024 * 1024;

describe('settings in the Settings UI', () => {
  it('each has a Markdown description, localized, and an order of its own', () => {
    const orders = new Set<number>();
    for (const [key, p] of Object.entries(properties)) {
      assert.ok(p.markdownDescription && nls[p.markdownDescription.replace(/^%|%$/g, '')], `${key}: no description`);
      assert.equal(typeof p.order, 'number', `${key}: no order`);
      assert.ok(!orders.has(p.order!), `${key}: order ${p.order} taken`);
      orders.add(p.order!);
    }
    assert.equal(properties['ossPresign.profiles']?.order, 1, 'profiles come first');
  });

  it('describes every value of an enum', () => {
    for (const [key, p] of Object.entries(properties)) {
      if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length, key);
    }
  });

  it('sets the multipart threshold in MiB (default 64), and marks the byte setting as replaced', () => {
    const mib = properties['ossPresign.multipartThresholdMiB'];
    assert.equal(mib?.default, 64);
    assert.match(nls[mib!.markdownDescription!.replace(/%/g, '')] ?? '', /this many MiB/);
    const bytes = properties['ossPresign.multipartThreshold'];
    assert.match(
      nls[bytes?.markdownDeprecationMessage?.replace(/%/g, '') ?? ''] ?? '',
      /`#ossPresign\.multipartThresholdMiB#`/,
    );
    assert.ok(bytes!.order! > mib!.order!, 'the replaced setting is listed after the new one');
  });
});

describe('multipart threshold', () => {
  let h: Harness;
  let threshold: () => number;
  beforeEach(() => {
    h = createHarness();
    ({
      settings: { multipartThreshold: threshold },
    } = h.load<typeof import('../../../src/vscode/settings')>('vscode/settings.js'));
  });
  afterEach(() => h.dispose());

  it('is 64 MiB by default', () => {
    assert.equal(threshold(), 64 * MiB);
  });

  it('reads the MiB setting', () => {
    h.fake.settings.set('ossPresign.multipartThresholdMiB', 8);
    assert.equal(threshold(), 8 * MiB);
  });

  it('still honours the byte setting while only it is set, and the MiB one wins once set', () => {
    h.fake.settings.set('ossPresign.multipartThreshold', 5 * MiB);
    assert.equal(threshold(), 5 * MiB);
    h.fake.settings.set('ossPresign.multipartThresholdMiB', 100);
    assert.equal(threshold(), 100 * MiB);
  });

  it('falls back to 64 MiB for a value that is not a whole number of MiB', () => {
    h.fake.settings.set('ossPresign.multipartThresholdMiB', 1.5);
    assert.equal(threshold(), 64 * MiB);
  });
});
