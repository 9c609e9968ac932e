"""An email's content (pure): subject, plain-text part and HTML part, in one language.

Everything inserted into the HTML is escaped; links are the portal's own (dispute/notify/
links.py). Nothing is attached, ever: evidence stays in the portal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from typing import Sequence

from dispute.i18n import Translate

_BRAND = "Dispute portal · 争议处理平台"


@dataclass(frozen=True)
class Item:
    """One notification as an email shows it."""

    kind: str
    title: str
    lines: tuple[str, ...]
    link: str


@dataclass(frozen=True)
class Footer:
    """Why the reader gets this, and how to stop it: one link per kind in the email, and the
    account page for all of them."""

    unsubscribe: tuple[tuple[str, str], ...]  # (the kind's words, its signed link)
    preferences_url: str


def _html(heading: str, blocks: Sequence[str], footer_html: str) -> str:
    body = "\n".join(blocks)
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
            f"{escape(heading)}</title></head>"
            "<body style=\"font-family:sans-serif;color:#222;max-width:640px;margin:0 auto;"
            "padding:16px\">"
            f"<p style=\"color:#666;font-size:13px\">{escape(_BRAND)}</p>"
            f"<h1 style=\"font-size:20px\">{escape(heading)}</h1>{body}"
            f"<hr style=\"border:none;border-top:1px solid #ddd;margin-top:24px\">"
            f"<div style=\"color:#666;font-size:12px\">{footer_html}</div></body></html>")


def _item_html(item: Item, open_label: str, heading: bool) -> str:
    head = (f"<h2 style=\"font-size:16px;margin-bottom:4px\">{escape(item.title)}</h2>"
            if heading else "")
    paras = "".join(f"<p style=\"margin:4px 0\">{escape(line)}</p>" for line in item.lines)
    button = (f"<p><a href=\"{escape(item.link, quote=True)}\" style=\"display:inline-block;"
              "background:#1f6feb;color:#fff;padding:8px 14px;border-radius:4px;"
              f"text-decoration:none\">{escape(open_label)}</a></p>")
    return f"<div>{head}{paras}{button}</div>"


def _footer(footer: Footer, _: Translate) -> tuple[str, str]:
    text = [_("You get this email because of your notification choices."),
            *(f"{_('Stop emails of this kind')} ({what}): {url}"
              for what, url in footer.unsubscribe),
            f"{_('Change your choices')}: {footer.preferences_url}"]
    html = [escape(_("You get this email because of your notification choices.")),
            *(f"<br><a href=\"{escape(url, quote=True)}\">"
              f"{escape(_('Stop emails of this kind'))}</a> ({escape(what)})"
              for what, url in footer.unsubscribe),
            f"<br><a href=\"{escape(footer.preferences_url, quote=True)}\">"
            f"{escape(_('Change your choices'))}</a>"]
    return "\n".join(text), "".join(html)


def notification_mail(items: Sequence[Item], footer: Footer, _: Translate,
                      digest_inbox_url: str | None = None) -> dict[str, str]:
    """One notification (sent at once) or several (the daily digest)."""
    open_label = _("Open in the portal")
    if len(items) == 1 and digest_inbox_url is None:
        item = items[0]
        subject = item.title
        text_body = [item.title, "", *item.lines, "", f"{open_label}: {item.link}"]
        blocks = [_item_html(item, open_label, heading=False)]
        heading = item.title
    else:
        subject = _("Your daily digest: {count} notifications").format(count=len(items))
        heading = subject
        text_body = [subject, ""]
        blocks = []
        for item in items:
            text_body += [f"■ {item.title}", *item.lines, f"{open_label}: {item.link}", ""]
            blocks.append(_item_html(item, open_label, heading=True))
        if digest_inbox_url:
            text_body += [f"{_('Your inbox')}: {digest_inbox_url}"]
            blocks.append(f"<p><a href=\"{escape(digest_inbox_url, quote=True)}\">"
                          f"{escape(_('Your inbox'))}</a></p>")
    foot_text, foot_html = _footer(footer, _)
    return {"subject": subject, "text": "\n".join([*text_body, "", "--", foot_text]) + "\n",
            "html": _html(heading, blocks, foot_html)}


def plain_mail(subject: str, paragraphs: Sequence[str], link: tuple[str, str] | None,
               closing: str) -> dict[str, str]:
    """An account email (verification, reset, a note, a test): a few paragraphs and a button."""
    text = [subject, "", *paragraphs]
    blocks = [f"<p>{escape(p)}</p>" for p in paragraphs]
    if link is not None:
        words, url = link
        text += ["", f"{words}: {url}"]
        blocks.append(f"<p><a href=\"{escape(url, quote=True)}\" style=\"display:inline-block;"
                      "background:#1f6feb;color:#fff;padding:8px 14px;border-radius:4px;"
                      f"text-decoration:none\">{escape(words)}</a></p>")
    return {"subject": subject, "text": "\n".join([*text, "", "--", closing]) + "\n",
            "html": _html(subject, blocks, escape(closing))}


def message(content: dict[str, str], *, message_id: str, mail_from: str,
            when: datetime) -> EmailMessage:
    """The MIME message: multipart/alternative, text first, then HTML; no attachment."""
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = content["to"]
    msg["Subject"] = content["subject"]
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(when)
    msg["Auto-Submitted"] = "auto-generated"
    if content.get("list_unsubscribe"):
        msg["List-Unsubscribe"] = f"<{content['list_unsubscribe']}>"
    msg.set_content(content["text"])
    msg.add_alternative(content["html"], subtype="html")
    if content.get("lang"):  # after the parts: setting content clears Content-* headers
        msg["Content-Language"] = "zh-CN" if content["lang"] == "zh_CN" else content["lang"]
    return msg
