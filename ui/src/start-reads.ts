// Imported first by main.ts: ES modules run in import order, so the first screen's reads are asked before the
// app's own modules are evaluated (lib/first-reads.ts).
import { askFirstReads } from './lib/first-reads';

askFirstReads();
