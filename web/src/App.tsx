/**
 * The console's top level: asks the node who is signed in, then shows the sign-in form or the
 * main screen, in the user's saved language (CON4): the language is applied before the screen
 * renders, and a change of it re-renders the whole tree from here.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, fetchMe, logout, type Me } from './api.ts';
import { ConsoleScreen } from './components/ConsoleScreen.tsx';
import { LoginForm } from './components/LoginForm.tsx';
import { ReaderLanguage } from './readerLanguage.ts';
import { t } from './strings.ts';
import { applyLanguage, useConsoleLanguage } from './uiLanguage.ts';

type Session =
  | { status: 'checking' }
  | { status: 'signed-out'; error: string | null }
  | { status: 'signed-in'; me: Me };

/** The whole console. */
export function App() {
  const [session, setSession] = useState<Session>({ status: 'checking' });
  // Subscribing here makes every component beneath re-render when the language changes.
  useConsoleLanguage();

  const readSession = useCallback(async () => {
    try {
      const me = await fetchMe();
      applyLanguage(me.user.language ?? 'en');
      setSession({ status: 'signed-in', me });
    } catch (error) {
      const isSignedOut = error instanceof ApiError && error.status === 401;
      setSession({
        status: 'signed-out',
        error: isSignedOut || !(error instanceof Error) ? null : error.message,
      });
    }
  }, []);

  useEffect(() => {
    void readSession();
  }, [readSession]);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch {
      // The session is dropped locally either way; the node expires it on its own.
    }
    setSession({ status: 'signed-out', error: null });
  }, []);

  const meChanged = useCallback((me: Me) => {
    applyLanguage(me.user.language ?? 'en');
    setSession({ status: 'signed-in', me });
  }, []);

  const sessionEnded = useCallback(() => setSession({ status: 'signed-out', error: null }), []);

  switch (session.status) {
    case 'checking':
      return (
        <p className="app-loading" role="status">
          {t('app.loading')}
        </p>
      );
    case 'signed-out':
      return <LoginForm onSignedIn={readSession} initialError={session.error} />;
    case 'signed-in':
      return (
        <ReaderLanguage.Provider value={session.me.user.language ?? 'en'}>
          <ConsoleScreen
            me={session.me}
            onSignOut={signOut}
            onSessionEnded={sessionEnded}
            onMeChanged={meChanged}
          />
        </ReaderLanguage.Provider>
      );
  }
}
