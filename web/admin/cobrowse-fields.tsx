import { usableSelector } from '../widget/cobrowse-frames.js';
import type { SiteSettings } from './admin-types.js';
import { Check, NumberInput, TextInput } from './form-fields.js';
import type { Save } from './use-save.js';

interface CobrowseFieldsProps {
  value: SiteSettings;
  set<K extends keyof SiteSettings>(key: K, v: SiteSettings[K]): void;
  save: Save;
}

/**
 * The page's own check of the mask selector, with the widget's own test: a selector the
 * customer's browser cannot parse makes the widget mask every field (it fails closed,
 * docs/cobrowse.md), which is safe but not what the admin meant. The server cannot parse
 * CSS, so it only limits the length.
 */
export function maskSelectorProblem(selector: string): string | undefined {
  return usableSelector(selector) === null
    ? 'The browser cannot read this selector, so every field on the customer’s page would be hidden. Write a CSS selector such as .lobby-mask, [data-lobby-mask].'
    : undefined;
}

const wholeNumber = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/**
 * What the page refuses before sending, in its own words (the server refuses the same
 * values, with the schema's terser "must be <= 1024"): field → message.
 */
export function cobrowseProblems(value: SiteSettings): Partial<Record<'cobrowseMaskSelector' | 'cobrowseBudgetMegabytes' | 'cobrowseRetentionDays', string>> {
  const mask = maskSelectorProblem(value.cobrowseMaskSelector);
  return {
    ...(mask ? { cobrowseMaskSelector: mask } : {}),
    ...(wholeNumber(value.cobrowseBudgetMegabytes, 1, 1024) ? {} : { cobrowseBudgetMegabytes: 'Give a whole number of megabytes from 1 to 1024.' }),
    ...(wholeNumber(value.cobrowseRetentionDays, 1, 3650) ? {} : { cobrowseRetentionDays: 'Give a whole number of days from 1 to 3650.' }),
  };
}

/** Browser sharing in click-to-chat sessions (docs/cobrowse.md): the five site settings. */
export function CobrowseFields({ value, set, save }: CobrowseFieldsProps) {
  const problems = cobrowseProblems(value);
  return (
    <fieldset>
      <legend>Browser sharing in click-to-chat</legend>
      <Check
        id="site-cobrowse"
        label="Reps may ask to see the customer’s web page (the customer must agree each time)"
        checked={value.cobrowseEnabled}
        onChange={(v) => set('cobrowseEnabled', v)}
      />
      <TextInput
        id="site-cobrowse-mask"
        label="Hide these parts of the page (CSS selector)"
        hint="Text and fields inside matching elements are hidden in the customer’s browser before anything is sent; password and card fields always are. Empty: only those."
        value={value.cobrowseMaskSelector}
        onChange={(v) => set('cobrowseMaskSelector', v)}
        error={problems.cobrowseMaskSelector ?? save.fieldError('cobrowseMaskSelector')}
      />
      <NumberInput
        id="site-cobrowse-budget"
        label="Limit per session (MB)"
        hint="1–1024: sharing stops, with a message, once a session has sent this much"
        min={1}
        max={1024}
        value={value.cobrowseBudgetMegabytes}
        onChange={(v) => set('cobrowseBudgetMegabytes', v)}
        error={problems.cobrowseBudgetMegabytes ?? save.fieldError('cobrowseBudgetMegabytes')}
      />
      <Check
        id="site-cobrowse-store"
        label="Keep recordings of shared pages with the session (off: the page is relayed to the reps and forgotten)"
        checked={value.cobrowseStoreRecordings}
        onChange={(v) => set('cobrowseStoreRecordings', v)}
      />
      <NumberInput
        id="site-cobrowse-retention"
        label="Delete recordings after (days)"
        hint="1–3650"
        min={1}
        max={3650}
        value={value.cobrowseRetentionDays}
        onChange={(v) => set('cobrowseRetentionDays', v)}
        error={problems.cobrowseRetentionDays ?? save.fieldError('cobrowseRetentionDays')}
      />
    </fieldset>
  );
}
