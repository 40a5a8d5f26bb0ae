import { config } from 'zod';

// zod compiles object parsers with `new Function` unless jitless, and it probes for that when a
// schema is defined: the guest page's CSP (no 'unsafe-eval') reports the probe as a violation even
// though zod catches it. Imported first by the entry point, before any shared schema is defined.
config({ jitless: true });
