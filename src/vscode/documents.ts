import * as vscode from 'vscode';

/** Scheme of the extension's generated read-only documents (doctor diff and report, CORS report). */
const SCHEME = 'ossPresign-doc';

/**
 * Read-only virtual documents: an untitled document would ask to be saved when closed. Each has a path such as
 * `/doctor/signed.txt`; setting new text for a path updates an open editor of it.
 */
export class ReadOnlyDocuments implements vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => this.texts.get(uri.path) ?? '',
    });
  }

  /** Sets the text of the document at `path` and returns its URI. */
  set(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path });
    this.texts.set(path, text);
    this.changed.fire(uri);
    return uri;
  }

  /** Sets the text and opens the document in a preview editor. */
  async show(path: string, text: string): Promise<void> {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(this.set(path, text)), {
      preview: true,
    });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
