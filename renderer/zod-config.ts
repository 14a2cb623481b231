/**
 * Imported first by each lazily loaded module that brings schemas (the engine client, the formats), before any
 * schema is defined: Zod probes `new Function` to decide whether to compile its parsers, and the page's CSP (no
 * eval) would report that probe as a violation. Interpret instead.
 */
import { z } from 'zod';

z.config({ jitless: true });
