"""E-mail to taxpayers and users: an outbox written with the event that causes a message, and an SMTP sender."""
