import type { InputProps } from "../field-type";
import { PlainInput } from "../shared/plain-input";

export function TextInput(props: InputProps) {
  return <PlainInput {...props} type="text" />;
}
