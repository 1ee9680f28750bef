// src/vscode/documents.ts: read-only virtual documents served by a content provider.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../fakes/services';
import type { Uri } from '../fakes/vscode';

type Documents = typeof import('../../../src/vscode/documents');

describe('ReadOnlyDocuments', () => {
  let h: Harness;
  let docs: InstanceType<Documents['ReadOnlyDocuments']>;
  const textOf = async (uri: unknown) => (await h.fake.vscode.workspace.openTextDocument(uri as Uri)).getText();

  beforeEach(() => {
    h = createHarness();
    docs = new (h.load<Documents>('vscode/documents.js').ReadOnlyDocuments)();
  });
  afterEach(() => {
    docs.dispose();
    h.dispose();
  });

  it('serves the text set for a path at the returned URI, the newest text after another set, and nothing for a path never set', async () => {
    const uri = docs.set('/doctor/report.md', 'first');
    assert.equal(uri.toString(), 'ossPresign-doc:/doctor/report.md');
    assert.equal(await textOf(uri), 'first');
    docs.set('/doctor/report.md', 'second');
    assert.equal(await textOf(uri), 'second');
    assert.equal(await textOf(h.fake.vscode.Uri.from({ scheme: 'ossPresign-doc', path: '/never.txt' })), '');
  });

  it('show() sets the text and opens the document', async () => {
    await docs.show('/cors/CORS b.md', '# report');
    assert.deepEqual(h.fake.record.documentsShown, ['ossPresign-doc:/cors/CORS%20b.md']);
    assert.equal(
      await textOf(h.fake.vscode.Uri.from({ scheme: 'ossPresign-doc', path: '/cors/CORS b.md' })),
      '# report',
    );
  });

  it('unregisters its content provider when disposed', () => {
    assert.deepEqual(h.fake.undisposed(), ['content provider ossPresign-doc #1']);
    docs.dispose();
    assert.deepEqual(h.fake.undisposed(), []);
  });
});
