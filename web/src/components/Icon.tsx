/**
 * Small line icons drawn inline as SVG, so they look the same on every workstation whatever
 * its fonts (a symbol glyph missing from the font would show as an empty box). Icons always
 * accompany words and are hidden from assistive technology (CON1).
 */
import type { ReactElement } from 'react';

/** Names of the icons the console draws. */
export type IconName =
  | 'hourglass'
  | 'check'
  | 'eye'
  | 'check-circle'
  | 'warning'
  | 'dot'
  | 'cross'
  | 'refresh'
  | 'phone'
  | 'video';

const SHAPES: Record<IconName, ReactElement> = {
  hourglass: <path d="M4 2h8M4 14h8M5 2c0 4 6 4 6 6s-6 2-6 6M11 2c0 4-6 4-6 6s6 2 6 6" />,
  check: <path d="M3 8.5l3.2 3.2L13 4.8" />,
  eye: (
    <>
      <path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z" />
      <circle cx="8" cy="8" r="2" />
    </>
  ),
  'check-circle': (
    <>
      <circle cx="8" cy="8" r="6.5" />
      <path d="M5 8.3l2 2 4-4.3" />
    </>
  ),
  warning: (
    <>
      <path d="M8 1.8L15 14H1z" />
      <path d="M8 6v4M8 11.6v.4" />
    </>
  ),
  dot: <circle cx="8" cy="8" r="4.5" fill="currentColor" />,
  cross: <path d="M3.5 3.5l9 9M12.5 3.5l-9 9" />,
  phone: <path d="M4.5 1.8l2 3-1.3 1.6a8 8 0 0 0 4.4 4.4l1.6-1.3 3 2-1 2.4C8 14 2 8 2.1 2.8z" />,
  video: (
    <>
      <rect x="1.5" y="4" width="9" height="8" rx="1" />
      <path d="M10.5 7l4-2.3v6.6l-4-2.3" />
    </>
  ),
  refresh: (
    <>
      <path d="M13 8a5 5 0 1 1-1.5-3.6" />
      <path d="M12 1.5v3.2H8.8" />
    </>
  ),
};

/** Props of `Icon`. */
export interface IconProps {
  name: IconName;
  className?: string;
}

/** A 1em icon in the current text colour. */
export function Icon({ name, className }: IconProps) {
  return (
    <svg
      className={className === undefined ? 'icon' : `icon ${className}`}
      viewBox="0 0 16 16"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {SHAPES[name]}
    </svg>
  );
}
