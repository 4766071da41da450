import { useId } from 'react';

interface ToggleSwitchProps {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  /** One line under the label saying what the switch does. */
  hint?: string;
  disabled?: boolean;
  className?: string;
}

/** An on/off setting: a checkbox with the switch role, drawn as a switch, with a big touch target. */
export function ToggleSwitch({ label, checked, onChange, hint, disabled = false, className }: ToggleSwitchProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={className ? `switch ${className}` : 'switch'}>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch__input"
        checked={checked}
        disabled={disabled}
        aria-describedby={hintId}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id} className="switch__label">
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__name">{label}</span>
      </label>
      {hint ? (
        <p className="switch__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
