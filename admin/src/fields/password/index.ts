import type { AdminFieldType } from "../field-type";
import { PasswordInput } from "./input";

/** The new password and its confirmation; both empty keep the stored one. */
export interface PasswordValue {
  password: string;
  confirm: string;
}

export const password: AdminFieldType = {
  options: [
    { key: "min", label: "Min length", kind: "int" },
    { key: "max", label: "Max length", kind: "int" },
    { key: "pattern", label: "Pattern (regex)", kind: "text" },
  ],
  Input: PasswordInput,
  formValue: (): PasswordValue => ({ password: "", confirm: "" }),
  toBody(field, value) {
    const { password, confirm } = value as PasswordValue;
    return password ? { json: { [field.name]: password, [`${field.name}Confirm`]: confirm } } : {};
  },
  errorKeys: (field) => [field.name, `${field.name}Confirm`],
  sample: () => "a strong password",
  secret: true,
  keepsWhenBlank: true,
};
