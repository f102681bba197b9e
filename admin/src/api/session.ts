/** The signed-in superuser: token and record, kept in localStorage so a reload stays signed in. */
export interface Superuser {
  id: string;
  email: string;
}

const STORAGE_KEY = "backroom.admin.auth";
type Listener = () => void;

interface Stored {
  token: string;
  record: Superuser;
}

function load(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

let current = load();
const listeners = new Set<Listener>();

export const session = {
  token: () => current?.token ?? "",
  user: () => current?.record ?? null,
  signIn(token: string, record: Superuser) {
    current = { token, record: { id: record.id, email: record.email } };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(current));
    for (const l of listeners) l();
  },
  clear() {
    current = null;
    localStorage.removeItem(STORAGE_KEY);
    for (const l of listeners) l();
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
