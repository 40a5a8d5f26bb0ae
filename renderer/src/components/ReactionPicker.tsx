import { useEffect, useRef, useState } from 'react';
import { allowedReactions } from '../../../shared/limits';
import { Icon } from './Icon';

export type ReactionEmoji = (typeof allowedReactions)[number];

const NAMES: Record<ReactionEmoji, string> = {
  '👍': 'thumbs up',
  '👏': 'clapping',
  '😂': 'laughing',
  '🎉': 'celebrating',
  '❤️': 'heart',
  '😮': 'surprised',
};

/** A "Reactions" button opening a small emoji menu; Escape or a choice closes it. */
export function ReactionPicker({ onReact, disabled = false }: { onReact(emoji: ReactionEmoji): void; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector('button')?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!menuRef.current?.contains(event.target as Node) && !buttonRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  return (
    <div className="reaction-picker">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls="reaction-menu"
        onClick={() => setOpen((o) => !o)}
        disabled={disabled}
      >
        <Icon name="smile" />
        <span className="label">Reactions</span>
      </button>
      {open && (
        <div
          ref={menuRef}
          id="reaction-menu"
          className="reaction-menu"
          role="group"
          aria-label="Send a reaction"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              close();
            }
          }}
        >
          {allowedReactions.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-label={`React with ${NAMES[emoji]}`}
              title={NAMES[emoji]}
              onClick={() => {
                onReact(emoji);
                close();
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
