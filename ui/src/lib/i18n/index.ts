// The active locale. English is the only one so far; a second locale is a file shaped like `en`.
import { en } from './en';

export const t = en;
