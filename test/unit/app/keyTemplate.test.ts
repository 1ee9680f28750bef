import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expandTemplate, objectKeyFor, templateVariables } from '../../../src/app/keyTemplate';
import { ConfigError } from '../../../src/core/errors';

const now = new Date('2026-11-25T23:59:59Z');
const vars = templateVariables({
  relativePath: 'docs\\Q3 report.final.pdf',
  workspaceFolder: 'site',
  now,
  uuid: '123e4567-e89b-12d3-a456-426614174000',
});

describe('key templates', () => {
  it('derives every variable from the workspace-relative path', () => {
    assert.deepEqual(vars, {
      relativePath: 'docs/Q3 report.final.pdf',
      fileName: 'Q3 report.final.pdf',
      fileBasename: 'Q3 report.final',
      ext: '.pdf',
      date: '2026-11-25',
      uuid: '123e4567-e89b-12d3-a456-426614174000',
      workspaceFolder: 'site',
    });
  });

  it('treats a leading dot as part of the name, not an extension', () => {
    const v = templateVariables({ relativePath: '.env', now });
    assert.equal(v.fileBasename, '.env');
    assert.equal(v.ext, '');
    assert.equal(v.workspaceFolder, '');
  });

  it('expands the default template to the relative path', () => {
    assert.equal(objectKeyFor('${relativePath}', vars), 'docs/Q3 report.final.pdf');
  });

  it('expands several variables and repeats', () => {
    assert.equal(
      expandTemplate('${workspaceFolder}/${date}/${fileBasename}-${uuid}${ext}', vars),
      'site/2026-11-25/Q3 report.final-123e4567-e89b-12d3-a456-426614174000.pdf',
    );
  });

  it("prepends a prefix node's prefix, adding the slash when missing", () => {
    assert.equal(objectKeyFor('${fileName}', vars, 'photos/2024/'), 'photos/2024/Q3 report.final.pdf');
    assert.equal(objectKeyFor('${fileName}', vars, 'photos'), 'photos/Q3 report.final.pdf');
    assert.equal(objectKeyFor('/${fileName}', vars, ''), 'Q3 report.final.pdf');
  });

  it('makes a new uuid per file when none is given', () => {
    const a = templateVariables({ relativePath: 'a', now }).uuid;
    const b = templateVariables({ relativePath: 'a', now }).uuid;
    assert.match(a, /^[0-9a-f-]{36}$/);
    assert.notEqual(a, b);
  });

  it('rejects unknown variables and unclosed ${, naming the valid ones', () => {
    assert.throws(
      () => expandTemplate('${filename}', vars),
      (e: unknown) => e instanceof ConfigError && /Unknown variable "\$\{filename\}".*\$\{fileName\}/.test(e.message),
    );
    assert.throws(
      () => expandTemplate('a/${date', vars),
      (e: unknown) => e instanceof ConfigError && /without a closing/.test(e.message),
    );
  });

  it('leaves a lone $ alone', () => {
    assert.equal(expandTemplate('price$/${ext}', vars), 'price$/.pdf');
  });
});
