/**
 * The console's top level: asks the node who is signed in, then shows the sign-in form or the
 * main screen.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, fetchMe, logout, type Me } from './api.ts';
import { ConsoleScreen } from './components/ConsoleScreen.tsx';
import { LoginForm } from './components/LoginForm.tsx';
import { t } from './strings.ts';

type Session =
  | { status: 'checking' }
  | { status: 'signed-out'; error: string | null }
  | { status: 'signed-in'; me: Me };

/** The whole console. */
export function App() {
  const [session, setSession] = useState<Session>({ status: 'checking' });

  const readSession = useCallback(async () => {
    try {
      setSession({ status: 'signed-in', me: await fetchMe() });
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
      return <ConsoleScreen me={session.me} onSignOut={signOut} onSessionEnded={sessionEnded} />;
  }
}
