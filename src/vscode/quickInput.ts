import * as vscode from 'vscode';

/** Returned by a step when the user pressed the Back button. */
export const BACK = Symbol('back');
export type StepResult<T> = T | typeof BACK | undefined;

interface StepOptions {
  title: string;
  step: number;
  totalSteps: number;
}

export interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

/**
 * One QuickPick step of a multi-step input. With `custom`, typing a value that matches no item offers it as
 * the first item ("Use ..."), validated by `custom` (returns a problem or undefined).
 */
export function pickStep<T>(
  options: StepOptions & {
    placeholder: string;
    items: PickItem<T>[];
    active?: T | undefined;
    custom?: { toValue: (text: string) => T; problem: (text: string) => string | undefined };
  },
): Promise<StepResult<T>> {
  const qp = vscode.window.createQuickPick<PickItem<T>>();
  Object.assign(qp, {
    title: options.title,
    step: options.step,
    totalSteps: options.totalSteps,
    placeholder: options.placeholder,
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  qp.buttons = options.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  const base = options.items;
  qp.items = base;
  const active = base.find((i) => i.value === options.active);
  if (active) qp.activeItems = [active];
  return new Promise<StepResult<T>>((resolve) => {
    let done = false;
    const finish = (value: StepResult<T>) => {
      done = true;
      resolve(value);
      qp.dispose();
    };
    qp.onDidChangeValue((text) => {
      const custom = options.custom;
      if (!custom) return;
      const typed = text.trim();
      if (!typed || base.some((i) => i.label === typed)) {
        qp.items = base;
        return;
      }
      const problem = custom.problem(typed);
      // While the text still filters the suggestions ("hangzhou"), keep them first instead of an invalid custom value.
      const filters = base.some((i) => `${i.label} ${i.description ?? ''}`.toLowerCase().includes(typed.toLowerCase()));
      if (problem && filters) {
        qp.items = base;
        return;
      }
      qp.items = [
        {
          label: typed,
          description: problem ? `$(warning) ${problem}` : 'use this value',
          value: custom.toValue(typed),
          alwaysShow: true,
        },
        ...base,
      ];
    });
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (!item) return;
      if (options.custom && item.description?.startsWith('$(warning)')) return;
      finish(item.value);
    });
    qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(BACK));
    qp.onDidHide(() => !done && finish(undefined));
    qp.show();
  });
}

/**
 * One InputBox step: validated while typing and again on Enter. A `warning` (shown for the first value too) does
 * not stop Enter: it says what the value will do that the user may not mean.
 */
export function inputStep(
  options: StepOptions & {
    prompt: string;
    value?: string;
    placeholder?: string;
    password?: boolean;
    problem: (text: string) => string | undefined;
    warning?: (text: string) => string | undefined;
  },
): Promise<StepResult<string>> {
  const box = vscode.window.createInputBox();
  Object.assign(box, {
    title: options.title,
    step: options.step,
    totalSteps: options.totalSteps,
    prompt: options.prompt,
    value: options.value ?? '',
    placeholder: options.placeholder,
    password: options.password ?? false,
    ignoreFocusOut: true,
  });
  box.buttons = options.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  const validate = (text: string) => {
    const problem = text ? options.problem(text) : undefined;
    const warning = problem || !text ? undefined : options.warning?.(text);
    box.validationMessage =
      problem ?? (warning ? { message: warning, severity: vscode.InputBoxValidationSeverity.Warning } : undefined);
  };
  validate(box.value);
  return new Promise<StepResult<string>>((resolve) => {
    let done = false;
    const finish = (value: StepResult<string>) => {
      done = true;
      resolve(value);
      box.dispose();
    };
    box.onDidChangeValue(validate);
    box.onDidAccept(() => {
      const problem = options.problem(box.value);
      if (problem) box.validationMessage = problem;
      else finish(box.value);
    });
    box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(BACK));
    box.onDidHide(() => !done && finish(undefined));
    box.show();
  });
}
