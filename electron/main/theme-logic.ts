/**
 * Light or dark: the OS decides until the user picks (View ▸ Theme, or the page's toggle). The choice goes to
 * nativeTheme.themeSource, so menus, dialogs and the title bar match the page, and it is kept for the next launch,
 * whose window is painted in the right colour before the page loads. Plain data, tested without Electron.
 */
import type { ThemeChoice } from '../../common/host';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** The page's background (renderer/styles.css --bg), for the window before the page paints. */
export const WINDOW_BACKGROUND = { light: '#f6f7f9', dark: '#12151b' } as const;

export function windowBackground(dark: boolean): string {
  return dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}

/** The stored choice; anything missing or unknown means "follow the OS". */
export function parseThemeChoice(text: string | null | undefined): ThemeChoice {
  try {
    const theme = (JSON.parse(text ?? 'null') as { theme?: unknown } | null)?.theme;
    return THEME_CHOICES.includes(theme as ThemeChoice) ? (theme as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}
