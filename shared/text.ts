/**
 * What text from one participant may contain before it is shown to the others.
 *
 * Display names are shown in many places (tiles, lists, chat, notices, OS notifications), some of
 * which cannot isolate bidirectional text. So names must not carry characters that reorder or hide
 * text: bidi embeddings, overrides and isolates ("gnp.exe" shown as "exe.png"), zero-width and other
 * default-ignorable characters (a name of only U+200B or U+3164 looks empty), or control characters.
 * ZWJ (U+200D) and variation selectors are kept where they join emoji (👩‍💻), which many names use.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const CONTROL = /\p{Cc}/u;
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}[\uFE0E\uFE0F]?)\u200D(?=\p{Extended_Pictographic})/gu;
const VARIATION_AFTER_EMOJI = /(?<=\p{Extended_Pictographic})[\uFE0E\uFE0F]/gu;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const VISIBLE = /[^\p{Z}\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\u2800]/u;

export type UnsafeTextReason = 'control' | 'bidi' | 'invisible' | 'blank';

/** Why `name` cannot be a display name, or undefined when it can. */
export function unsafeNameReason(name: string): UnsafeTextReason | undefined {
  if (CONTROL.test(name)) return 'control';
  if (BIDI_CONTROLS.test(name)) return 'bidi';
  const withoutEmojiJoins = name.replace(EMOJI_JOINER, '').replace(VARIATION_AFTER_EMOJI, '');
  if (INVISIBLE.test(withoutEmojiJoins)) return 'invisible';
  if (!VISIBLE.test(name)) return 'blank';
  return undefined;
}

export const unsafeNameMessages: Record<UnsafeTextReason, string> = {
  control: 'display name contains control characters',
  bidi: 'display name contains characters that change text direction',
  invisible: 'display name contains invisible characters',
  blank: 'display name has no visible characters',
};

/** Chat text may contain any script, but not characters that reorder the text around it. */
export function hasBidiControls(text: string): boolean {
  return BIDI_CONTROLS.test(text);
}
