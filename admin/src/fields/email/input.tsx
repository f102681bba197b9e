import type { InputProps } from "../field-type";
import { PlainInput } from "../shared/plain-input";

export function EmailInput(props: InputProps) {
  return <PlainInput {...props} type="email" />;
}
