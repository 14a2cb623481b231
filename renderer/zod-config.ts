/**
 * Imported first by main.tsx, before any module defines a schema: Zod probes `new Function` to decide whether to
 * compile its parsers, and the page's CSP (no eval) would report that probe as a violation. Interpret instead.
 */
import { z } from 'zod';

z.config({ jitless: true });
