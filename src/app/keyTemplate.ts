/** Object keys (and metadata values) from a template such as `uploads/${date}/${fileName}`. */
import { ConfigError } from '../core/index';

export const DEFAULT_KEY_TEMPLATE = '${relativePath}';

/** The values `${name}` expands to. */
export interface TemplateVariables {
  /** Path relative to the workspace folder, `/`-separated (the file name alone outside a workspace). */
  relativePath: string;
  /** File name with its extension: `report.csv`. */
  fileName: string;
  /** File name without its extension: `report`. */
  fileBasename: string;
  /** Extension with its dot (`.csv`), or empty: `${fileBasename}-v2${ext}` then works for any file. */
  ext: string;
  /** Signing day in UTC, `yyyy-mm-dd`. */
  date: string;
  /** A random UUID, new for each file. */
  uuid: string;
  /** Name of the workspace folder that holds the file, or empty. */
  workspaceFolder: string;
}

const TEMPLATE_VARIABLE_NAMES: ReadonlyArray<keyof TemplateVariables> = [
  'relativePath',
  'fileName',
  'fileBasename',
  'ext',
  'date',
  'uuid',
  'workspaceFolder',
];

/**
 * Variables for one file. `relativePath` may use `\` (Windows) or `/`; the result uses `/`.
 * `now` and `uuid` are parameters so tests are repeatable.
 */
export function templateVariables(input: {
  relativePath: string;
  workspaceFolder?: string | undefined;
  now: Date;
  uuid?: string;
}): TemplateVariables {
  const relativePath = input.relativePath.replace(/\\/g, '/').replace(/^\/+/, '');
  const fileName = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const dot = fileName.lastIndexOf('.');
  // A leading dot (".env") names the file, it does not start an extension.
  const hasExt = dot > 0;
  return {
    relativePath,
    fileName,
    fileBasename: hasExt ? fileName.slice(0, dot) : fileName,
    ext: hasExt ? fileName.slice(dot) : '',
    date: input.now.toISOString().slice(0, 10),
    // The global Web Crypto: importing node:crypto would load it with core, on activation.
    uuid: input.uuid ?? crypto.randomUUID(),
    workspaceFolder: input.workspaceFolder ?? '',
  };
}

/**
 * Replaces every `${name}` in `template`.
 * @throws ConfigError for an unknown variable or an unclosed `${`.
 */
export function expandTemplate(template: string, vars: TemplateVariables, field = 'keyTemplate'): string {
  return template.replace(/\$\{([^}]*)\}|\$\{/g, (match, name: string | undefined) => {
    if (name === undefined)
      throw new ConfigError(
        field,
        'InvalidTemplate',
        `"${template}" has a "\${" without a closing "}": close it or remove it.`,
      );
    if (!(TEMPLATE_VARIABLE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(
        field,
        'InvalidTemplate',
        `Unknown variable "${match}" in "${template}": use one of ${TEMPLATE_VARIABLE_NAMES.map((v) => '${' + v + '}').join(' ')}.`,
      );
    }
    return vars[name as keyof TemplateVariables];
  });
}

/**
 * The object key for a file: `prefix` (a folder of the bucket, e.g. a prefix node's `photos/2024/`) followed by
 * the expanded template. A `/` is put between them when the prefix lacks one.
 * @throws ConfigError for an invalid template.
 */
export function objectKeyFor(template: string, vars: TemplateVariables, prefix = ''): string {
  const key = expandTemplate(template, vars).replace(/^\/+/, '');
  if (!prefix) return key;
  return prefix.endsWith('/') ? prefix + key : `${prefix}/${key}`;
}
