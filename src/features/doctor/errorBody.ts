import * as vscode from 'vscode';
import { CancelledError } from '../../core/index';
import type { ErrorSource } from './report';

/** An XML `<Error>` element with a code: what a store answers a failed request with. */
export function holdsErrorXml(text: string): boolean {
  return /<Error[\s>][\s\S]*<Code>[\s\S]*<\/Error\s*>/.test(text);
}

/**
 * The server's error body, with its line breaks: from the clipboard when it holds one, else from an untitled XML
 * editor the user pastes into before choosing Continue (an input box is one line and would flatten the
 * CanonicalRequest). Undefined when the user goes on without one; Escape cancels the diagnosis.
 */
export async function askErrorBody(): Promise<{ xml: string; source: ErrorSource } | undefined> {
  const clipboard = await vscode.env.clipboard.readText();
  if (holdsErrorXml(clipboard)) return { xml: clipboard, source: 'clipboard' };
  const document = await vscode.workspace.openTextDocument({ language: 'xml', content: '' });
  await vscode.window.showTextDocument(document, { preview: false });
  const proceed = 'Continue';
  const without = 'Diagnose Without It';
  const choice = await vscode.window.showInformationMessage(
    "Diagnose a Failed Upload (3/3): paste the server's error body (the XML of the 403, with its CanonicalRequest or StringToSign) into the new editor, then choose Continue.",
    proceed,
    without,
  );
  if (choice === undefined) throw new CancelledError();
  const xml = choice === proceed ? document.getText() : '';
  return xml.trim() ? { xml, source: 'editor' } : undefined;
}
