import type { InputProps } from "../field-type";
import { PlainInput } from "../shared/plain-input";

export function UrlInput(props: InputProps) {
  return <PlainInput {...props} type="url" />;
}
