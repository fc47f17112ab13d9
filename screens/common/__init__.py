"""Screens every user meets: /start, sign-in, invites, /help, the command menu."""
