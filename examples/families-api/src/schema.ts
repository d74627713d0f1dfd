import { normalizeText } from "@goggles/core";
import * as z from "zod";

/** Letters (any script), combining marks, spaces, apostrophes, hyphens and dots: what names are made of. */
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;

/** A person's or family's name: normalized (NFC, invisible characters out, one line, trimmed), then checked. */
export const Name = z
  .string()
  .max(200)
  .transform((s) => normalizeText(s, { singleLine: true, maxLength: 100 }))
  .pipe(z.string().min(1).regex(NAME, "Use letters, spaces, apostrophes and hyphens only."));

/** `POST /families`: an enrolment. Unknown fields are refused (no mass assignment). */
export const Enrolment = z.strictObject({
  family: Name,
  guardians: z
    .array(z.strictObject({ name: Name, email: z.email() }))
    .min(1)
    .max(4),
  children: z
    .array(z.strictObject({ name: Name, birthYear: z.number().int().min(2000).max(2030) }))
    .min(1)
    .max(10),
  /** Rich text from the enrolment form: sanitized HTML is kept. */
  notes: z.string().max(8_000).optional(),
});
export type Enrolment = z.output<typeof Enrolment>;

/** `POST /families/:id/payments`. */
export const PaymentRequest = z.strictObject({ amountCents: z.number().int().positive().max(1_000_000) });

/** A family id as the API issues them. */
export const FamilyId = z.string().regex(/^fam_[0-9]{1,9}$/);

/** The part of a Stripe event the webhook reads. */
export const PaymentEvent = z.object({
  id: z.string(),
  type: z.string(),
  data: z.object({
    object: z.object({ metadata: z.object({ familyId: z.string().optional() }).optional() }),
  }),
});
