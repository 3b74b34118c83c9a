import { useState } from 'react';
import { formFieldOf, type ApiError } from '../api/errors';

/** A server error placed on the form field it is about. */
export interface ServerFieldError<F extends string> {
  /** The server's message about `field`, while the form is as it was when submitted. */
  of: (field: F) => string | undefined;
  /**
   * Puts `error` on the form field of the input field the server named (`errorInfo.field`).
   * False when it named none the form shows: the caller shows the error for the whole form.
   */
  place: (error: ApiError) => boolean;
  clear: () => void;
}

/**
 * The server's error about one field of a form whose state is `form` (compared by identity:
 * any edit makes a new state and hides the message). `fields` maps the operation's input fields
 * to the form's (`InputFieldMap`).
 */
export function useServerFieldError<F extends string>(
  fields: { readonly [inputField: string]: F | null },
  form: unknown,
): ServerFieldError<F> {
  const [placed, setPlaced] = useState<{ field: F; message: string; form: unknown } | undefined>();
  return {
    of: (field) => (placed?.field === field && placed.form === form ? placed.message : undefined),
    place: (error) => {
      const field = formFieldOf(error, fields);
      if (field === undefined) return false;
      setPlaced({ field, message: error.message, form });
      return true;
    },
    clear: () => setPlaced(undefined),
  };
}
