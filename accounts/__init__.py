"""Citizens' accounts and profiles: sign-up, e-mail verification, login throttle,
password reset and profile. It sits below ``procedures`` and imports none of the
apps above it; the e-mail outbox it writes to is registered by the app that owns
it (see ``accounts.mail``)."""
