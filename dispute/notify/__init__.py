"""Notifications (issue 15): an inbox for every user, email when a mail server is configured,
time-based reminders, and the single-use links of sign-up and password reset.

    kinds.py      the kinds of notification, who gets each, the default delivery
    rules.py      pure: which events notify whom (the actor never)
    outbox.py     writes inbox items and emails inside the caller's transaction
    texts.py      the words of each kind, in the reader's language
    compose.py    pure: an email's subject, text and HTML parts
    links.py      links into the portal and the signed unsubscribe-per-kind links
    smtp.py       DISPUTE_SMTP_URL and one connection to the mail server
    sender.py     delivers the outbox: claims, retries with back-off, nothing twice
    reminders.py  deadlines, sittings and limits due on a day, once per day and recipient
    scheduler.py  the loop that runs the sender and the reminders (portal thread or worker)
    inbox.py      the services the pages call (inbox, mark read, preferences, unsubscribe)
"""
