import type { ApiError } from '../api/client.js';

interface InputFieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  /** The API's complaint about this field, shown under it and tied to it for screen readers. */
  error?: string | null;
  type?: 'text' | 'password' | 'number' | 'search';
  placeholder?: string;
  autoFocus?: boolean;
  disabled?: boolean;
  class?: string;
}

/** A labelled input with its error in place. */
export function InputField({ id, label, value, onInput, error = null, type = 'text', placeholder, autoFocus, disabled, class: className }: InputFieldProps) {
  const errorId = `${id}-error`;
  return (
    <div class={`field${className ? ` ${className}` : ''}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        placeholder={placeholder}
        autoComplete="off"
        autoFocus={autoFocus}
        disabled={disabled}
        onInput={(e) => onInput(e.currentTarget.value)}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? errorId : undefined}
      />
      {error !== null && (
        <p id={errorId} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The message for `field` when the API blamed it (a dot path such as `headers.x-a` counts for `headers`). */
export function errorFor(error: ApiError | null, field: string): string | null {
  if (error === null || error.field === null) return null;
  return error.field === field || error.field.startsWith(`${field}.`) ? error.message : null;
}

interface SelectFieldProps {
  id: string;
  label: string;
  value: string;
  choices: readonly string[];
  onChange: (value: string) => void;
  error?: string | null;
}

/** A labelled choice among fixed values, with its error in place like an InputField's. */
export function SelectField({ id, label, value, choices, onChange, error = null }: SelectFieldProps) {
  const errorId = `${id}-error`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)} aria-invalid={error !== null} aria-describedby={error !== null ? errorId : undefined}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
      {error !== null && (
        <p id={errorId} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
